"""The checks of each notebook's exercises, one module per notebook (``n05`` for notebook 05)."""
