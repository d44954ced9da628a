package io.valuetier.lifetime;

import static org.apache.commons.math3.special.Gamma.digamma;
import static org.apache.commons.math3.special.Gamma.logGamma;

/**
 * The modified BG/NBD model (Batislam, Denizel and Filiztekin 2007): as BG/NBD, a live customer
 * buys at a Poisson rate λ ~ Gamma(r, α) and may drop out with probability p ~ Beta(a, b) after a
 * purchase, but here the first purchase counts too, so a customer can leave right after it. A
 * one-time buyer silent for a long time is then probably gone, where BG/NBD calls every one-time
 * buyer alive. Same observation row (x, t_x, T) as {@link BgNbd}; computed in logarithms likewise.
 */
public final class MbgNbd implements LogLikelihood {
  public static final String[] PARAMETERS = {"r", "alpha", "a", "b"};

  /** Fitted parameters. */
  public record Params(double r, double alpha, double a, double b) implements PurchaseModel {
    public static Params of(double[] p) {
      return new Params(p[0], p[1], p[2], p[3]);
    }

    @Override
    public double probabilityAlive(double x, double tx, double t) {
      return MbgNbd.probabilityAlive(this, x, tx, t);
    }

    @Override
    public double expectedPurchases(double x, double tx, double t, double horizonDays) {
      return MbgNbd.expectedPurchases(this, x, tx, t, horizonDays);
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
   * Given λ and p, L = (1−p)^(x+1) λ^x e^(−λT) + p (1−p)^x λ^x e^(−λ t_x) (alive after all x+1
   * purchases, or gone right after the last one). Mixed over λ and p:
   * ln L = A1 + A2 + ln(e^A3 + e^A4) with A1 = lnΓ(r+x) − lnΓ(r) + r ln α,
   * A2 = ln B(a, b+x+1) − ln B(a, b), A3 = −(r+x) ln(α+T), A4 = ln a − ln(b+x) − (r+x) ln(α+t_x),
   * using B(a+1, b+x) / B(a, b+x+1) = a / (b+x). Unlike BG/NBD, A4 is present for x = 0.
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
    // x → {lnΓ(r+x) + lnΓ(b+x+1) − lnΓ(a+b+x+1), ψ(r+x), ψ(b+x+1), ψ(a+b+x+1)}
    ByCount byCount = new ByCount(x -> new double[] {
        logGamma(r + x) + logGamma(b + x + 1) - logGamma(a + b + x + 1), digamma(r + x), digamma(b + x + 1),
        digamma(a + b + x + 1)});
    return (row, weight, gradient) -> {
      double x = row[0];
      double tx = row[1];
      double t = row[2];
      double[] c = byCount.of(x);
      double logAlphaT = Math.log(alpha + t);
      double logAlphaTx = Math.log(alpha + tx);
      double a3 = -(r + x) * logAlphaT;
      double a4 = logA - Math.log(b + x) - (r + x) * logAlphaTx;
      double top = Math.max(a3, a4);
      double e3 = Math.exp(a3 - top);
      double e4 = Math.exp(a4 - top);
      double mix = top + Math.log(e3 + e4);
      double w3 = e3 / (e3 + e4);
      double w4 = e4 / (e3 + e4);
      gradient[0] += weight * (c[1] - psiR + logAlpha - w3 * logAlphaT - w4 * logAlphaTx);
      gradient[1] += weight * (r / alpha - w3 * (r + x) / (alpha + t) - w4 * (r + x) / (alpha + tx));
      gradient[2] += weight * (psiAb - c[3] + w4 / a);
      gradient[3] += weight * (psiAb + c[2] - psiB - c[3] - w4 / (b + x));
      return constant + c[0] + mix;
    };
  }

  /** P(alive at T | x, t_x, T) = 1 / (1 + a / (b+x) · ((α+T) / (α+t_x))^(r+x)), one-time buyers included. */
  public static double probabilityAlive(Params p, double x, double tx, double t) {
    return 1.0 / (1.0 + Math.exp(logOddsDead(p, x, tx, t)));
  }

  /**
   * Expected purchases in (T, T + h]: a customer alive at T has λ ~ Gamma(r+x, α+T) and
   * p ~ Beta(a, b+x+1) and from then on follows BG/NBD, so E = P(alive) · (a+b+x)/(a−1) ·
   * [1 − ((α+T)/(α+T+h))^(r+x) · ₂F₁(r+x, b+x+1; a+b+x; z)], z = h/(α+T+h); the bracket through
   * Euler's transformation as in {@link BgNbd#expectedPurchases}: 1 − (1−z)^(a−1) ₂F₁(a+b−r, a−1; a+b+x; z).
   */
  public static double expectedPurchases(Params p, double x, double tx, double t, double horizon) {
    if (horizon <= 0) {
      return 0.0;
    }
    double a = Math.abs(p.a() - 1) < 1e-7 ? 1 + 1e-7 : p.a(); // a = 1 is a removable singularity
    double z = horizon / (p.alpha() + t + horizon);
    double c = a + p.b() + x;
    double bracket = 1 - Math.pow(1 - z, a - 1) * BgNbd.hypergeometric(a + p.b() - p.r(), a - 1, c, z);
    return c / (a - 1) * bracket * probabilityAlive(p, x, tx, t);
  }

  /** P(at least one purchase in (T, T + h]); see {@link PurchaseModel#purchaseWithin}. */
  public static double probabilityOfPurchase(Params p, int x, int tx, int t, double horizonDays) {
    return p.probabilityOfPurchase(x, tx, t, horizonDays);
  }

  private static double logOddsDead(Params p, double x, double tx, double t) {
    return Math.log(p.a()) - Math.log(p.b() + x) + (p.r() + x) * (Math.log(p.alpha() + t) - Math.log(p.alpha() + tx));
  }
}
