"""The pages' logic, as small modules of plain functions (no callbacks, no layout): what each
page's stores, text panels and tables hold for given settings, and the settings its inputs ask
for. pages/ holds the layout and the wiring."""
