"""A classroom link's page never asks the student to use a control it hides (components/lead.py,
the lab's and the playground's lead sentences), and the full lead is unchanged without one."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from components import lab_layout, playground_layout
from components.lead import PREPARED, PREPARED_ALL, spoken_list
from settings.query import hidden_groups

LAB_GROUPS = ["landscape", "start", "optimizers", "playback", "colours", "run"]
PLAYGROUND_GROUPS = ["data", "network", "init", "playback", "training", "regularization"]


def test_the_full_leads_without_a_classroom_link():
    assert lab_layout.lead() == (
        "Pick a cost landscape, click or drag the red dot to choose the start, pick optimizers "
        "and their learning rates, then press play."
    )
    assert playground_layout.lead() == (
        "Choose data, a network and how its weights start; it trains whenever you change "
        "something. Press play to watch the weights, the gradients and the decision boundary "
        "evolve, every epoch."
    )


def test_a_link_that_hides_every_control_says_so():
    assert lab_layout.lead({"landscape", "start", "optimizers", "playback"}) == PREPARED_ALL
    assert lab_layout.lead({"landscape", "start", "optimizers"}) == f"Press play. {PREPARED}"


@given(st.sets(st.sampled_from(LAB_GROUPS)))
def test_the_lab_names_only_visible_controls(hidden):
    text = lab_layout.lead(hidden)
    for words, group in [*lab_layout.LEAD_STEPS, ("press play", "playback")]:
        assert (words in text.lower()) == (group not in hidden)
    assert (PREPARED in text or PREPARED_ALL in text) == bool(
        hidden & {"landscape", "start", "optimizers", "playback"}
    )


@given(st.sets(st.sampled_from(PLAYGROUND_GROUPS)))
def test_the_playground_names_only_visible_controls(hidden):
    text = playground_layout.lead(hidden)
    assert ("press play" in text.lower()) == ("playback" not in hidden)
    shown = [w for w, g in playground_layout.LEAD_CHOICES if g not in hidden]
    if shown:
        assert f"Choose {spoken_list(shown)};" in text
    else:
        assert "Choose" not in text


def test_hidden_groups_read_as_the_browser_reads_them():
    assert hidden_groups({"hide": "start, landscape,,bad name,x"}) == {"start", "landscape", "x"}
    assert hidden_groups({}) == frozenset()


def texts(component) -> list[str]:
    """Every string in a Dash component tree."""
    if isinstance(component, str):
        return [component]
    children = getattr(component, "children", None)
    if children is None:
        return []
    if not isinstance(children, (list, tuple)):
        children = [children]
    return [t for child in children for t in texts(child)]


def test_a_classroom_link_changes_the_pages_lead(dash_app):
    from pages import optimizer_lab, playground

    with dash_app.server.test_request_context("/optimizers?hide=landscape,start"):
        lab = texts(optimizer_lab.layout(hide="landscape,start"))
        assert lab_layout.lead({"landscape", "start"}) in lab
        network = texts(playground.layout(hide="network"))
        assert playground_layout.lead({"network"}) in network
