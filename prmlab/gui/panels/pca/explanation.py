"""The formulas the PCA panel animates, with PRML sections (shown under the figure)."""

EXPLANATION = """
<b>PCA</b> (Bishop, PRML §12.1): centre the data, S = XᵀHX/(N−1); the unit
direction u with the largest projected variance uᵀSu solves Su = λu, and the variance along it
is λ₁. The <i>reconstruction error</i> Σ‖x − proj<sub>u</sub>x‖²/(N−1) = tr S − uᵀSu, so maximising variance
and minimising reconstruction error are the same problem. Arrows: ±√λⱼ·uⱼ from the mean.
<b>p-PCA</b>: z ~ N(0, I), x = Wz + μ + ε, ε ~ N(0, σ²I). E: M = WᵀW + σ²I,
E[z] = M⁻¹Wᵀ(x − μ), E[zzᵀ] = σ²M⁻¹ + E[z]E[z]ᵀ. M: W = [Σ(x − μ)E[z]ᵀ][ΣE[zzᵀ]]⁻¹,
σ² = Σ{‖x − μ‖² − 2E[z]ᵀWᵀ(x − μ) + tr(E[zzᵀ]WᵀW)}/(Nd). Closed form (Tipping–Bishop):
σ² = mean of the discarded λ, W = U_q(Λ_q − σ²I)^½.
<b>Fisher</b>: J(w) = wᵀS_b w / wᵀS_w w, maximised by w ∝ S_w⁻¹(m₁ − m₀): best separation,
not largest variance.
"""
