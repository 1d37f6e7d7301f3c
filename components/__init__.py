"""Dash/Plotly only: figure builders (numpy in, go.Figure out) and control widgets.

Nothing here imports jax or the engines: pages pass numpy arrays and plain metadata in.
"""
