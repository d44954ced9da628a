package io.valuetier.lifetime;

import static org.apache.commons.math3.special.Gamma.digamma;
import static org.apache.commons.math3.special.Gamma.logGamma;

/**
 * The Gamma-Gamma model of spend per purchase (Fader, Hardie and Lee 2005, "RFM and CLV"): a
 * purchase's value is Gamma(p, ν) around the customer's own mean, with ν ~ Gamma(q, v) across
 * customers; spend is assumed independent of purchase frequency. Observation row: (x, m_x) =
 * repeat purchase days and their mean value (customers with x > 0 and m_x > 0 only).
 */
public final class GammaGamma implements LogLikelihood {
  public static final String[] PARAMETERS = {"p", "q", "v"};

  /** Fitted parameters. */
  public record Params(double p, double q, double v) implements java.io.Serializable {
    public static Params of(double[] params) {
      return new Params(params[0], params[1], params[2]);
    }

    /** The population's mean spend per purchase, p·v / (q − 1); NaN for q ≤ 1, where it is infinite. */
    public double populationMean() {
      return q > 1 ? p * v / (q - 1) : Double.NaN;
    }
  }

  @Override
  public String[] parameters() {
    return PARAMETERS.clone();
  }

  @Override
  public int rowWidth() {
    return 2;
  }

  /**
   * ln f(m_x | x) = lnΓ(px+q) − lnΓ(px) − lnΓ(q) + q ln v + (px−1) ln m_x + px ln x − (px+q) ln(x m_x + v).
   */
  @Override
  public Evaluation at(double[] params) {
    double p = params[0];
    double q = params[1];
    double v = params[2];
    double constant = -logGamma(q) + q * Math.log(v);
    double psiQ = digamma(q);
    double logV = Math.log(v);
    // x → {lnΓ(px+q) − lnΓ(px) + px ln x, ψ(px+q), ψ(px), ln x}
    ByCount byCount = new ByCount(x -> new double[] {
        logGamma(p * x + q) - logGamma(p * x) + p * x * Math.log(x), digamma(p * x + q), digamma(p * x), Math.log(x)});
    return (row, weight, gradient) -> {
      double x = row[0];
      double m = row[1];
      double[] c = byCount.of(x);
      double px = p * x;
      double logM = Math.log(m);
      double logTotal = Math.log(x * m + v);
      gradient[0] += weight * x * (c[1] - c[2] + logM + c[3] - logTotal);
      gradient[1] += weight * (c[1] - psiQ + logV - logTotal);
      gradient[2] += weight * (q / v - (px + q) / (x * m + v));
      return constant + c[0] + (px - 1) * logM - (px + q) * logTotal;
    };
  }

  /**
   * E[spend per purchase | x, m_x] = (q − 1)/(px + q − 1) · p v/(q − 1) + px/(px + q − 1) · m_x: the
   * population mean shrunk towards the customer's own mean as x grows; the population mean for x = 0.
   */
  public static double expectedAverageValue(Params params, double x, double m) {
    if (params.q() <= 1) {
      return Double.NaN;
    }
    if (x <= 0 || !(m > 0)) {
      return params.populationMean();
    }
    double px = params.p() * x;
    return (params.p() * (params.v() + x * m)) / (px + params.q() - 1);
  }
}
