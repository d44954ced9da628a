package io.valuetier.lifetime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.DoubleUnaryOperator;
import org.apache.commons.math3.analysis.integration.IterativeLegendreGaussIntegrator;
import org.apache.commons.math3.special.Gamma;
import org.junit.jupiter.api.Test;

/**
 * The closed-form log-likelihoods against independent numerical integration of the individual-level
 * likelihood over the mixing distributions, their gradients against finite differences, and their
 * behaviour at the extremes.
 */
class LikelihoodTest {
  private static double integrate(DoubleUnaryOperator f, double lo, double hi) {
    return new IterativeLegendreGaussIntegrator(64, 1e-13, 1e-300).integrate(100_000, f::applyAsDouble, lo, hi);
  }

  /**
   * BG/NBD, by its definition: given λ and p, L = (1−p)^x λ^x e^(−λT) + [x>0] p (1−p)^(x−1) λ^x
   * e^(−λ t_x); mix over λ ~ Gamma(r, rate α) and p ~ Beta(a, b). Each term factorizes into a λ
   * integral times a p integral; both densities are normalized numerically too.
   */
  private static double bgNbdByIntegration(double r, double alpha, double a, double b, double x, double tx, double t) {
    DoubleUnaryOperator gamma = l -> Math.pow(l, r - 1) * Math.exp(-alpha * l);
    DoubleUnaryOperator beta = p -> Math.pow(p, a - 1) * Math.pow(1 - p, b - 1);
    double gammaNorm = integrate(gamma, 0, 40);
    double betaNorm = integrate(beta, 0, 1);
    double alive = integrate(l -> gamma.applyAsDouble(l) * Math.pow(l, x) * Math.exp(-l * t), 0, 40) / gammaNorm
        * integrate(p -> beta.applyAsDouble(p) * Math.pow(1 - p, x), 0, 1) / betaNorm;
    double dropped = x == 0 ? 0
        : integrate(l -> gamma.applyAsDouble(l) * Math.pow(l, x) * Math.exp(-l * tx), 0, 40) / gammaNorm
            * integrate(p -> beta.applyAsDouble(p) * p * Math.pow(1 - p, x - 1), 0, 1) / betaNorm;
    return Math.log(alive + dropped);
  }

  @Test
  void bgNbdLogLikelihoodOfATinyPopulationMatchesNumericalIntegration() {
    double[] params = {2.0, 10.0, 2.0, 3.0};
    double[][] population = {{0, 0, 30}, {1, 5, 30}, {3, 20, 40}, {2, 35, 35}};
    double closedForm = 0;
    double integrated = 0;
    for (double[] h : population) {
      closedForm += new BgNbd().add(params, h, 1, new double[4]);
      integrated += bgNbdByIntegration(2.0, 10.0, 2.0, 3.0, h[0], h[1], h[2]);
    }
    assertEquals(integrated, closedForm, 1e-9 * Math.abs(integrated));
  }

  /**
   * Gamma-Gamma, by its definition: the mean of x purchases of Gamma(p, rate ν) is Gamma(px, rate
   * xν); mix over ν ~ Gamma(q, rate v).
   */
  private static double gammaGammaByIntegration(double p, double q, double v, double x, double m) {
    DoubleUnaryOperator density = nu -> Math.exp(
        (p * x) * Math.log(x * nu) - Gamma.logGamma(p * x) + (p * x - 1) * Math.log(m) - x * nu * m
            + q * Math.log(v) - Gamma.logGamma(q) + (q - 1) * Math.log(nu) - v * nu);
    return Math.log(integrate(density, 1e-12, 5));
  }

  @Test
  void gammaGammaLogLikelihoodOfATinyPopulationMatchesNumericalIntegration() {
    double[] params = {6.0, 4.0, 15.0};
    double[][] population = {{1, 20}, {3, 35.5}, {10, 12}};
    double closedForm = 0;
    double integrated = 0;
    for (double[] row : population) {
      closedForm += new GammaGamma().add(params, row, 1, new double[3]);
      integrated += gammaGammaByIntegration(6.0, 4.0, 15.0, row[0], row[1]);
    }
    assertEquals(integrated, closedForm, 1e-8 * Math.abs(integrated));
  }

  private static void assertGradientMatchesFiniteDifferences(LogLikelihood model, double[] params, double[] row) {
    double[] analytic = new double[params.length];
    model.add(params, row, 1, analytic);
    for (int i = 0; i < params.length; i++) {
      double h = 1e-6 * params[i];
      double[] up = params.clone();
      double[] down = params.clone();
      up[i] += h;
      down[i] -= h;
      double numeric = (model.add(up, row, 1, new double[params.length]) - model.add(down, row, 1, new double[params.length])) / (2 * h);
      assertEquals(numeric, analytic[i], 1e-5 * Math.max(1, Math.abs(numeric)), model.parameters()[i] + " at " + java.util.Arrays.toString(row));
    }
  }

  @Test
  void gradientsMatchFiniteDifferences() {
    for (double[] row : new double[][] {{0, 0, 30}, {1, 5, 30}, {7, 200, 700}, {40, 600, 610}}) {
      assertGradientMatchesFiniteDifferences(new BgNbd(), new double[] {0.4, 25.0, 0.8, 2.5}, row);
    }
    for (double[] row : new double[][] {{1, 20}, {3, 35.5}, {50, 12}}) {
      assertGradientMatchesFiniteDifferences(new GammaGamma(), new double[] {6.0, 4.0, 15.0}, row);
    }
  }

  @Test
  void hugeHistoriesStayFinite() {
    // A customer with a purchase on 10,000 days over 30 years, as a population of 10⁷ would contain.
    double[] gradient = new double[4];
    double ll = new BgNbd().add(new double[] {0.25, 30.0, 0.8, 2.4}, new double[] {10_000, 10_950, 10_957}, 1e7, gradient);
    assertTrue(Double.isFinite(ll) && ll < 0, "ll " + ll);
    for (double g : gradient) {
      assertTrue(Double.isFinite(g), "gradient " + java.util.Arrays.toString(gradient));
    }
    double[] ggGradient = new double[3];
    double gg = new GammaGamma().add(new double[] {6.0, 4.0, 15.0}, new double[] {10_000, 1e6}, 1e7, ggGradient);
    assertTrue(Double.isFinite(gg));
    for (double g : ggGradient) {
      assertTrue(Double.isFinite(g), "gradient " + java.util.Arrays.toString(ggGradient));
    }
  }
}
