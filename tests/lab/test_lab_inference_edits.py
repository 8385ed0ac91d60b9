"""Drawing the inference lab's graphs without Qt: nodes added where clicked (joined or not),
edges and arrows, moves that keep the model and the run, removals that renumber, the query
picked by clicks, and every bad edit refused with a message saying what to do."""

from __future__ import annotations

import numpy as np
import pytest

from prmlab.lab import inference as inf
from prmlab.lab import session as S


@pytest.fixture
def grid():
    return inf.demo("graph")  # a 3×3 grid, three sweeps done


@pytest.fixture
def alarm():
    return inf.demo("bayes")  # Burglary, Earthquake → Alarm → Call; X Burglary, Y Earthquake


def test_a_node_added_where_clicked_and_joined_to_the_selected_one(grid):
    alone = inf.add_node(grid, (4.0, 1.5))
    assert len(alone.node_xy) == 10 and alone.node_xy[-1].tolist() == [4.0, 1.5]
    assert len(alone.edges) == len(grid.edges) and alone.log_unary[-1].tolist() == [0.0, 0.0]
    assert alone.graph == "Edited" and alone.position == grid.position  # no edge: same sweeps
    joined = inf.add_node(grid, (4.0, 1.5), join=2)
    assert joined.edges.tolist()[-1] == [2, 9] and len(joined.log_pairwise) == 13
    # BP keeps the three sweeps it had done: 2 messages per edge a sweep
    assert joined.position == 3 * joined.n_messages
    result = inf.Experiment(joined).show()
    assert result.sweep == 3 and result.beliefs.shape == (10, 2)


def test_edges_added_and_bad_ones_said(grid):
    looped = inf.add_edge(grid, 0, 4)
    assert looped.edges.tolist()[-1] == [0, 4] and looped.log_pairwise.shape == (13, 2, 2)
    with pytest.raises(ValueError, match="two different nodes, got node 1 twice"):
        inf.add_edge(grid, 1, 1)
    with pytest.raises(ValueError, match="node 1 and node 0 are already joined"):
        inf.add_edge(grid, 1, 0)  # the edge 0–1 in the other direction
    with pytest.raises(ValueError, match="must be a node 0..8, got 9"):
        inf.add_edge(grid, 0, 9)


def test_too_many_nodes_refused():
    state = inf.demo("graph")
    for k in range(inf.MAX_NODES - len(state.node_xy)):
        state = inf.add_node(state, (k, -1.0), join=0)
    with pytest.raises(ValueError, match=f"the most this panel draws.*{inf.MAX_NODES}"):
        inf.add_node(state, (0.0, -2.0))
    dag = inf.demo("bayes")
    for k in range(inf.MAX_NODES - len(dag.dag_xy)):
        dag = inf.add_node(dag, (k, -2.0))
    with pytest.raises(ValueError, match="remove a node first"):
        inf.add_node(dag, (0.0, -3.0))


def test_a_move_keeps_the_model_the_step_and_the_run(grid):
    exp = inf.Experiment(grid)
    exp.show()
    moved = inf.move_node(grid, 4, (1.2, 0.7))
    assert moved.node_xy[4].tolist() == [1.2, 0.7] and grid.node_xy[4].tolist() == [1.0, 1.0]
    assert moved.graph == "3×3 grid" and moved.position == grid.position
    again = exp.moved_to(moved)
    result = again.show()
    assert again._run is exp._run  # only the picture changed: no rerun
    np.testing.assert_array_equal(result.beliefs, exp.result.beliefs)


def test_removals_renumber_and_keep_one_edge(grid):
    smaller = inf.remove_node(grid, 4)  # the centre and its four edges
    assert len(smaller.node_xy) == 8 and len(smaller.edges) == 8
    assert smaller.edges.max() == 7 and len(smaller.log_pairwise) == 8
    np.testing.assert_array_equal(smaller.log_unary, np.delete(grid.log_unary, 4, axis=0))
    inf.Experiment(smaller).show()
    fewer = inf.remove_edge(grid, 0)
    assert fewer.edges.tolist() == grid.edges[1:].tolist()
    np.testing.assert_array_equal(fewer.log_pairwise, grid.log_pairwise[1:])
    pair = inf.graph_state(inf.preset(), "Chain", 0)
    for _ in range(3):
        pair = inf.remove_node(pair, 0)
    assert len(pair.node_xy) == 2 and len(pair.edges) == 1
    with pytest.raises(ValueError, match="at least 2 nodes"):
        inf.remove_node(pair, 0)
    with pytest.raises(ValueError, match="at least one edge"):
        inf.remove_edge(pair, 0)
    lone = inf.add_node(pair, (9.0, 9.0))
    with pytest.raises(ValueError, match="would leave no edge"):
        inf.remove_node(lone, 0)


def test_arrows_refuse_cycles_saying_which(alarm):
    grown = inf.add_edge(alarm, 0, 3)  # Burglary → Call: still a DAG
    assert grown.dag_edges.tolist()[-1] == [0, 3] and grown.network == "Edited"
    with pytest.raises(ValueError, match="Call → Burglary would close a directed cycle"):
        inf.add_edge(alarm, 3, 0)
    with pytest.raises(ValueError, match="Alarm → Burglary would make a directed cycle"):
        inf.add_edge(alarm, 2, 0)  # the arrow back
    with pytest.raises(ValueError, match="Burglary → Alarm is already drawn"):
        inf.add_edge(alarm, 0, 2)
    with pytest.raises(ValueError, match="got Alarm twice"):
        inf.add_edge(alarm, 2, 2)


def test_network_nodes_named_removed_and_the_query_kept(alarm):
    child = inf.add_node(alarm, (2.0, -1.0), join=3)
    assert child.dag_names[-1] == "A" and child.dag_edges.tolist()[-1] == [3, 4]
    assert inf.add_node(child, (3.0, 0.0)).dag_names[-1] == "B"
    no_alarm = inf.remove_node(alarm, 2)
    assert no_alarm.dag_names == ("Burglary", "Earthquake", "Call")
    assert no_alarm.dag_edges.size == 0 and no_alarm.evidence == (2,)
    assert inf.bayes(no_alarm).separated  # the collider is gone
    no_x = inf.remove_node(alarm, 0)  # X passes to the first free node
    assert (no_x.x, no_x.y, no_x.evidence) == (1, 0, (2,))
    assert no_x.dag_names[no_x.x] == "Alarm" and no_x.dag_names[no_x.y] == "Earthquake"
    inf.bayes(no_x)
    assert inf.remove_edge(alarm, 2).dag_edges.tolist() == [[0, 2], [1, 2]]
    pair = inf.remove_node(inf.remove_node(alarm, 3), 2)
    with pytest.raises(ValueError, match="X and Y"):
        inf.remove_node(pair, 0)


def test_clicks_pick_x_y_and_the_evidence(alarm):
    swapped = inf.set_role(alarm, 1, "x")  # Earthquake was Y: X and Y swap
    assert (swapped.x, swapped.y) == (1, 0)
    observed = inf.set_role(alarm, 2, "z")
    assert observed.evidence == (2, 3)
    assert inf.set_role(observed, 2, "z").evidence == (3,)  # a second click unobserves
    call_as_y = inf.set_role(alarm, 3, "y")  # observed before: no longer
    assert (call_as_y.y, call_as_y.evidence) == (3, ())
    with pytest.raises(ValueError, match="Burglary is X, and X and Y are never observed"):
        inf.set_role(alarm, 0, "z")
    with pytest.raises(ValueError, match="role must be one of"):
        inf.set_role(alarm, 0, "w")
    with pytest.raises(ValueError, match="Bayesian network"):
        inf.set_role(inf.demo("graph"), 0, "x")


def test_edits_need_a_graph_mode_and_a_drawn_graph_round_trips(tmp_path, grid):
    with pytest.raises(ValueError, match="switch the mode"):
        inf.add_node(inf.demo("denoise"), (0.0, 0.0))
    with pytest.raises(ValueError, match="xy must be a finite point"):
        inf.add_node(grid, (np.nan, 0.0))
    drawn = inf.move_node(inf.add_edge(inf.add_node(grid, (3.0, 3.0), join=8), 0, 9), 0, (-1, 0))
    edited = inf.set_unary(drawn, 0, 1, 2.0)
    assert edited.position == drawn.position  # a potential edited keeps the sweeps too
    path = tmp_path / "drawn.prmlab"
    saved = S.PanelState(edited.VERSION, edited.to_dict())
    S.save_session(path, S.Session({"inference": saved}, current="inference"))
    loaded = inf.State.from_dict(S.load_session(path).panels["inference"].state)
    assert loaded.same_as(edited) and loaded.node_xy[0].tolist() == [-1.0, 0.0]
