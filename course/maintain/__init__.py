"""Maintainer tools: output refresh, re-run check, hygiene, the site, the canary, nbval plugin."""
