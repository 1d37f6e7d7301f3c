"""Dash layout pieces (controls, legends, KaTeX spans) and the packing of results for the browser.

Nothing here imports jax or the engines: pages pass numpy arrays and plain metadata in. No
figure is built here: the browser draws (assets/), from the LVZ1 containers encoding.py packs.
"""
