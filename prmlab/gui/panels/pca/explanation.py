"""The formulas the PCA panel animates, with PRML sections (shown under the figure)."""

EXPLANATION = """
<b>PCA</b> (Bishop, PRML §12.1): centre the data; this panel's S = XᵀHX/(N−1) (the unbiased
covariance, as scikit-learn; PRML's maximum-likelihood S divides by N). The unit
direction u with the largest projected variance uᵀSu solves Su = λu, and the variance along it
is λ₁. The <i>reconstruction error</i> Σ‖x − proj<sub>u</sub>x‖²/(N−1) = tr S − uᵀSu, so maximising variance
and minimising reconstruction error are the same problem. Arrows: ±√λⱼ·uⱼ from the mean;
ellipses at 1σ and 2σ of N(mean, S) hold 39 % and 86 % of a 2-D Gaussian.
<b>p-PCA</b> (§12.2): z ~ N(0, I), x = Wz + μ + ε, ε ~ N(0, σ²I). E: M = WᵀW + σ²I,
E[z] = M⁻¹Wᵀ(x − μ), E[zzᵀ] = σ²M⁻¹ + E[z]E[z]ᵀ. M: W = [Σ(x − μ)E[z]ᵀ][ΣE[zzᵀ]]⁻¹,
σ² = Σ{‖x − μ‖² − 2E[z]ᵀWᵀ(x − μ) + tr(E[zzᵀ]WᵀW)}/(Nd). Closed form (Tipping–Bishop):
W = U_q(Λ_q − σ²I)^½ R, R any q × q rotation (EM stops at one of them), and σ² = mean of the
discarded eigenvalues of the maximum-likelihood S, i.e. (N−1)/N × the mean of the discarded λ above.
<b>Fisher</b> (§4.1.4): J(w) = wᵀS_B w / wᵀS_W w with S_B = (m₁ − m₀)(m₁ − m₀)ᵀ and
S_W = Σ_c Σ<sub>x∈c</sub>(x − m_c)(x − m_c)ᵀ, maximised by w ∝ S_W⁻¹(m₁ − m₀): best separation,
not largest variance. The dotted line is that <i>projection axis</i> (points are projected onto
it), not a decision boundary. With more than two classes (§4.1.6) S_B = Σ_c N_c(m_c − m)(m_c − m)ᵀ
and the directions solve the generalised eigenproblem S_B w = J S_W w: at most C − 1 of them, J
their eigenvalues.
"""
