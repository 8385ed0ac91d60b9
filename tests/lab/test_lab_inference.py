"""The inference lab without Qt: presets and demos, BP message by message against the engine's
sweeps and enumeration, max-product's MAP, d-separation and moralisation, the three denoisers
on one Ising model, mean field on a Gaussian against its closed forms, edits with clear
messages, deterministic run_to, the session round trip and the export columns."""

from __future__ import annotations

import math

import numpy as np
import pytest

from prmlab.engine import pgm
from prmlab.lab import inference as inf
from prmlab.lab import session as S


@pytest.mark.parametrize("name", inf.GRAPHS)
def test_bp_on_each_preset_is_the_engines_and_exact_on_trees(name):
    state = inf.graph_state(inf.preset(), name, seed=2).replace(sweeps=8)
    exp = inf.Experiment(state)
    result = exp.run_to_end()
    engine = pgm.belief_propagation(inf.model_of(state), max_iter=8, tol=0.0)
    np.testing.assert_allclose(result.beliefs, engine.marginals, atol=1e-12)
    exact = pgm.exact_inference(inf.model_of(state))
    if name != "Single loop" and name != "3×3 grid":
        assert result.run.is_tree
        np.testing.assert_allclose(result.beliefs, exact.marginals, atol=1e-10)
        assert result.run.error[-1] < 1e-10
    else:
        assert not result.run.is_tree and result.run.error[-1] > 1e-4  # loopy BP is off


def test_a_sweep_is_revealed_one_message_at_a_time():
    state = inf.graph_state(inf.preset(), "Chain", seed=1).replace(per_message=True)
    exp = inf.Experiment(state)
    first = exp.reset()
    assert first.updated == -1 and first.position == 0
    one = exp.step()
    assert one.position == 1 and one.updated == 0
    fresh = pgm.message_update(inf.model_of(state), first.messages, 0)
    np.testing.assert_allclose(one.messages[0], fresh, atol=1e-12)
    np.testing.assert_array_equal(one.messages[1:], first.messages[1:])
    # per sweep, a Step lands on the next sweep's end
    exp = inf.Experiment(state.replace(per_message=False, position=3))
    assert exp.step().position == state.n_messages


def test_max_product_finds_the_enumerated_map_on_a_tree():
    state = inf.graph_state(inf.preset(), "Tree", seed=5).replace(kind="max")
    result = inf.Experiment(state).run_to_end()
    assert result.map_agrees
    np.testing.assert_array_equal(result.map, pgm.exact_inference(inf.model_of(state)).map)
    assert result.run.error[-1] < 1e-10  # the exact max-marginals


def test_d_separation_answers_and_moralises():
    state = inf.network_state(inf.preset(), "Collider")
    result = inf.Experiment(state.replace(mode="bayes")).show()
    assert not result.separated and "⊥̸" in result.statement  # explaining away
    assert result.active_edges.all()
    unobserved = inf.set_query(state, 0, 1, ())
    assert inf.bayes(unobserved).separated and inf.bayes(unobserved).statement.endswith("| ∅")
    # Burglary and Earthquake married by the moral graph
    assert result.married.sum() == 1
    assert [0, 1] in result.moral_edges.tolist()
    chain = inf.network_state(state, "Chain")
    assert inf.bayes(chain).separated
    with pytest.raises(ValueError, match="must not be observed"):
        inf.set_query(chain, 0, 1, (1,))


def test_potentials_say_what_is_wrong():
    state = inf.graph_state(inf.preset(), "Chain", seed=0)
    with pytest.raises(ValueError, match="> 0"):
        inf.set_unary(state, 0, 1, -2.0)
    edited = inf.set_pairwise(inf.set_unary(state, 0, 1, 3.0), 0, 0, 1, 0.5)
    assert edited.log_unary[0, 1] == pytest.approx(math.log(3.0))
    assert edited.log_pairwise[0, 0, 1] == pytest.approx(math.log(0.5))


def test_denoising_runs_the_three_methods_on_the_same_model():
    state = inf.demo("denoise").replace(sweeps=6)
    run = inf.Experiment(state).show().run
    mrf, noisy = inf._denoise.ising_model(state)
    bp = pgm.belief_propagation(mrf, max_iter=6, tol=0.0, damping=inf.BP_DAMPING)
    np.testing.assert_allclose(run.p1[0, -1].ravel(), bp.marginals[:, 1])
    mf = pgm.mean_field(mrf, max_iter=6, tol=0.0, seed=state.seed)
    np.testing.assert_allclose(run.p1[1, -1].ravel(), mf.marginals[:, 1])
    np.testing.assert_allclose(run.elbo, mf.elbo_history_)
    gibbs = pgm.gibbs(mrf, 6, seed=state.seed)
    np.testing.assert_allclose(run.p1[2, -1].ravel(), gibbs.marginals[:, 1])
    assert np.all(np.diff(run.elbo) >= -1e-9)
    # each method denoises: fewer wrong pixels than the noisy image after a few sweeps
    assert np.all(run.error[:, -1] < run.error[:, 0])
    assert run.error[0, 0] == pytest.approx(np.mean(noisy != state.image))


def test_noise_flips_a_growing_set_of_pixels():
    state = inf.demo("denoise")
    low = inf.noisy_image(state.replace(noise=0.05)) != state.image
    high = inf.noisy_image(state.replace(noise=0.2)) != state.image
    assert np.all(high[low]) and high.sum() > low.sum()


def test_mean_field_underestimates_the_variance_the_moments_keep():
    state = inf.demo("variational").replace(rho=0.8, sd2=1.5)
    result = inf.Experiment(state).run_to_end()
    cov = result.cov
    np.testing.assert_allclose(result.q_var, 1.0 / np.diag(np.linalg.inv(cov)))
    assert np.all(result.q_var < result.moment_var)
    np.testing.assert_allclose(result.mean, [0.0, 0.0], atol=1e-2)  # 0.64^15 of the start
    assert np.all(np.diff(result.elbo) >= -1e-12) and result.elbo[-1] <= 0.0
    # at convergence KL(q||p) = -1/2 log(1 - rho^2) for a factorised q
    assert -result.elbo[-1] == pytest.approx(-0.5 * math.log(1 - 0.8**2), rel=1e-4)
    assert result.kl_qp[0] < result.kl_qp[1] and result.kl_pq[1] < result.kl_pq[0]


@pytest.mark.parametrize("mode", inf.MODES)
def test_same_state_same_result_and_a_session_round_trip(tmp_path, mode):
    exp = inf.Experiment(inf.demo(mode, seed=3))
    first = exp.show()
    columns = inf.result_columns(exp.state, first)
    assert len({len(v) for v in columns.values()}) == 1
    path = tmp_path / "s.prmlab"
    saved = S.PanelState(exp.state.VERSION, exp.state.to_dict())
    S.save_session(path, S.Session({"inference": saved}, current="inference"))
    loaded = inf.State.from_dict(S.load_session(path).panels["inference"].state)
    assert loaded.same_as(exp.state)
    again = inf.Experiment(loaded).show()
    for key, values in inf.result_columns(loaded, again).items():
        assert list(values) == list(columns[key])


def test_bad_choices_say_what_to_do():
    with pytest.raises(ValueError, match="mode must be one of"):
        inf.Experiment(inf.preset().replace(mode="magic")).show()
    with pytest.raises(ValueError, match="rho must be in"):
        inf.Experiment(inf.demo("variational").replace(rho=1.0)).show()
    with pytest.raises(ValueError, match="graph must be one of"):
        inf.graph_state(inf.preset(), "Möbius", 0)


def test_the_whiteboard_shows_the_message_just_sent_and_each_modes_update():
    from prmlab.lab.whiteboard import board_for

    state = inf.demo("graph").replace(per_message=True)
    exp = inf.Experiment(state)
    result = exp.run_to(state.position + 3)  # message 2 of the fourth sweep just sent
    board = board_for(exp.state, result)
    message = board.equations[0]
    np.testing.assert_allclose(message.values["m"][0], result.message_values[2])
    i, j = state.edges[1]
    assert board.title.endswith(f"message {i} → {j} (just sent)")
    np.testing.assert_allclose(board.equations[1].values["b"][0], result.beliefs[j])

    # mean field converged: its update of a pixel gives the pixel's q back
    dn = inf.demo("denoise").replace(sweeps=40)
    run = inf.Experiment(dn).run_to_end()
    live = board_for(dn.replace(position=40), run).equations[0].values
    h, w = dn.image.shape
    assert live["mf"] == pytest.approx(run.run.p1[1, -1, h // 2, w // 2], abs=1e-6)
    assert 0.0 < board_for(dn, run).equations[1].values["g"] < 1.0

    var = inf.Experiment(inf.demo("variational"))
    shown = var.show()
    values = board_for(var.state, shown).equations[0].values
    assert values["m"] == pytest.approx(shown.mean[shown.updated])
    assert values["v"] < values["s"]  # q's variance below p's marginal one

    bn = inf.Experiment(inf.demo("bayes"))
    assert "⊥̸" in board_for(bn.state, bn.show()).title
