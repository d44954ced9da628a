package io.valuetier.lifetime;

import static org.apache.commons.math3.special.Gamma.digamma;
import static org.apache.commons.math3.special.Gamma.logGamma;

/**
 * The BG/NBD model of repeat purchasing (Fader, Hardie and Lee 2005): while alive a customer buys
 * at a Poisson rate λ ~ Gamma(r, α); after each repeat purchase they drop out with probability
 * p ~ Beta(a, b). Observation row: (x, t_x, T) = repeat purchase days, days from the first to the
 * last purchase day, days from the first purchase day to the as-of date. Everything is computed in
 * logarithms (log-gamma, log-sum-exp), so large x and T neither overflow nor lose precision.
 */
public final class BgNbd implements LogLikelihood {
  public static final String[] PARAMETERS = {"r", "alpha", "a", "b"};

  /** Fitted parameters. */
  public record Params(double r, double alpha, double a, double b) implements PurchaseModel {
    public static Params of(double[] p) {
      return new Params(p[0], p[1], p[2], p[3]);
    }

    @Override
    public double probabilityAlive(double x, double tx, double t) {
      return BgNbd.probabilityAlive(this, x, tx, t);
    }

    @Override
    public double expectedPurchases(double x, double tx, double t, double horizonDays) {
      return BgNbd.expectedPurchases(this, x, tx, t, horizonDays);
    }
  }

  @Override
  public String[] parameters() {
    return PARAMETERS.clone();
  }

  @Override
  public int rowWidth() {
    return 3;
  }

  /**
   * ln L = A1 + A2 + ln(e^A3 + [x > 0] e^A4) with A1 = lnΓ(r+x) − lnΓ(r) + r ln α,
   * A2 = ln B(a, b+x) − ln B(a, b), A3 = −(r+x) ln(α+T), A4 = ln a − ln(b+x−1) − (r+x) ln(α+t_x).
   */
  @Override
  public Evaluation at(double[] params) {
    double r = params[0];
    double alpha = params[1];
    double a = params[2];
    double b = params[3];
    double logAlpha = Math.log(alpha);
    double logA = Math.log(a);
    double constant = -logGamma(r) + r * logAlpha + logGamma(a + b) - logGamma(b);
    double psiR = digamma(r);
    double psiAb = digamma(a + b);
    double psiB = digamma(b);
    // x → {lnΓ(r+x) + lnΓ(b+x) − lnΓ(a+b+x), ψ(r+x), ψ(b+x), ψ(a+b+x)}
    ByCount byCount = new ByCount(x -> new double[] {
        logGamma(r + x) + logGamma(b + x) - logGamma(a + b + x), digamma(r + x), digamma(b + x), digamma(a + b + x)});
    return (row, weight, gradient) -> {
      double x = row[0];
      double tx = row[1];
      double t = row[2];
      double[] c = byCount.of(x);
      double logAlphaT = Math.log(alpha + t);
      double a3 = -(r + x) * logAlphaT;
      double w3 = 1;
      double w4 = 0;
      double mix = a3;
      double logAlphaTx = 0;
      if (x > 0) {
        logAlphaTx = Math.log(alpha + tx);
        double a4 = logA - Math.log(b + x - 1) - (r + x) * logAlphaTx;
        double top = Math.max(a3, a4);
        double e3 = Math.exp(a3 - top);
        double e4 = Math.exp(a4 - top);
        mix = top + Math.log(e3 + e4);
        w3 = e3 / (e3 + e4);
        w4 = e4 / (e3 + e4);
      }
      double dr = c[1] - psiR + logAlpha - w3 * logAlphaT - w4 * logAlphaTx;
      double dAlpha = r / alpha - w3 * (r + x) / (alpha + t) - (x > 0 ? w4 * (r + x) / (alpha + tx) : 0);
      double da = psiAb - c[3] + w4 / a;
      double db = psiAb + c[2] - psiB - c[3] - (x > 0 ? w4 / (b + x - 1) : 0);
      gradient[0] += weight * dr;
      gradient[1] += weight * dAlpha;
      gradient[2] += weight * da;
      gradient[3] += weight * db;
      return constant + c[0] + mix;
    };
  }

  /**
   * P(alive at T | x, t_x, T) = 1 / (1 + [x > 0] a / (b+x−1) · ((α+T) / (α+t_x))^(r+x)). A customer
   * without a repeat purchase has had no chance to drop out yet, so the model says 1.
   */
  public static double probabilityAlive(Params p, double x, double tx, double t) {
    if (x <= 0) {
      return 1.0;
    }
    return 1.0 / (1.0 + Math.exp(logOddsDead(p, x, tx, t)));
  }

  /**
   * Expected purchases in (T, T + h] for a customer with history (x, t_x, T) (FHL 2005, eq. 10):
   * (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+h))^(r+x) · ₂F₁(r+x, b+x; a+b+x−1; h/(α+T+h))] / (1 + odds dead).
   * The hypergeometric factor is taken through Euler's transformation, ₂F₁(A, B; C; z) =
   * (1−z)^(C−A−B) ₂F₁(C−A, C−B; C; z), which turns the bracket into 1 − (1−z)^(a−1) ·
   * ₂F₁(a+b−1−r, a−1; a+b+x−1; z): small upper parameters, so the series neither overflows nor
   * needs x terms for a heavy buyer.
   */
  public static double expectedPurchases(Params p, double x, double tx, double t, double horizon) {
    if (horizon <= 0) {
      return 0.0;
    }
    double a = Math.abs(p.a() - 1) < 1e-7 ? 1 + 1e-7 : p.a(); // a = 1 is a removable singularity
    double z = horizon / (p.alpha() + t + horizon);
    double c = a + p.b() + x - 1;
    double bracket = 1 - Math.pow(1 - z, a - 1) * hypergeometric(a + p.b() - 1 - p.r(), a - 1, c, z);
    double odds = x > 0 ? Math.exp(logOddsDead(p, x, tx, t)) : 0;
    return c / (a - 1) * bracket / (1 + odds);
  }

  /**
   * P(at least one purchase in (T, T + h] | x, t_x, T) = p_alive · (1 − ((α+T)/(α+T+h))^(r+x)).
   * A customer who has left buys nothing. One who is alive at T cannot leave before their next
   * purchase (dropout happens only right after a purchase), so "no purchase in (T, T+h]" is "no
   * Poisson event in h days", probability e^(−λh); given the history and being alive, λ is
   * Gamma(r+x, α+T) (prior Gamma(r, α) times λ^x e^(−λT)), whose Laplace transform at h is
   * ((α+T)/(α+T+h))^(r+x). Derivation in docs/lifetime-value.md.
   */
  public static double probabilityOfPurchase(Params p, int x, int tx, int t, double horizonDays) {
    return p.probabilityOfPurchase(x, tx, t, horizonDays); // the formula: PurchaseModel.purchaseWithin
  }

  private static double logOddsDead(Params p, double x, double tx, double t) {
    return Math.log(p.a()) - Math.log(p.b() + x - 1) + (p.r() + x) * (Math.log(p.alpha() + t) - Math.log(p.alpha() + tx));
  }

  /** Gauss's series ₂F₁(a, b; c; z) for 0 ≤ z < 1, summed until the terms stop mattering. */
  static double hypergeometric(double a, double b, double c, double z) {
    double term = 1;
    double sum = 1;
    for (int n = 0; n < 1_000_000; n++) {
      term *= (a + n) * (b + n) / ((c + n) * (n + 1)) * z;
      sum += term;
      if (Math.abs(term) <= 1e-15 * Math.abs(sum)) {
        break;
      }
    }
    return sum;
  }
}
