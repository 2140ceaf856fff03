"""Pure-Python CPU work for notebook 07, in a module so a process pool's workers can import it."""

import time


def count_primes(limit: int) -> tuple[int, float]:
    """The primes below ``limit`` (holding the GIL throughout) and the CPU seconds it took."""
    started = time.thread_time()
    count = sum(all(n % d for d in range(2, int(n**0.5) + 1)) for n in range(2, limit))
    return count, time.thread_time() - started
