package io.valuetier.lifetime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.DoubleUnaryOperator;
import org.apache.commons.math3.analysis.integration.IterativeLegendreGaussIntegrator;
import org.junit.jupiter.api.Test;

/**
 * MBG/NBD: the closed-form log-likelihood against numerical integration of its definition, the
 * gradient against finite differences, and the predictions against a hand value, the formula as
 * printed and customers simulated from the model's story.
 */
class MbgNbdTest {
  private static final MbgNbd.Params PURCHASES = new MbgNbd.Params(0.5, 20.0, 2.0, 4.0);

  private static double integrate(DoubleUnaryOperator f, double lo, double hi) {
    return new IterativeLegendreGaussIntegrator(64, 1e-13, 1e-300).integrate(100_000, f::applyAsDouble, lo, hi);
  }

  /**
   * By its definition: given λ and p, L = (1−p)^(x+1) λ^x e^(−λT) + p (1−p)^x λ^x e^(−λ t_x);
   * mixed over λ ~ Gamma(r, rate α) and p ~ Beta(a, b), each term a λ integral times a p integral.
   */
  private static double byIntegration(double r, double alpha, double a, double b, double x, double tx, double t) {
    DoubleUnaryOperator gamma = l -> Math.pow(l, r - 1) * Math.exp(-alpha * l);
    DoubleUnaryOperator beta = p -> Math.pow(p, a - 1) * Math.pow(1 - p, b - 1);
    double gammaNorm = integrate(gamma, 0, 40);
    double betaNorm = integrate(beta, 0, 1);
    double alive = integrate(l -> gamma.applyAsDouble(l) * Math.pow(l, x) * Math.exp(-l * t), 0, 40) / gammaNorm
        * integrate(p -> beta.applyAsDouble(p) * Math.pow(1 - p, x + 1), 0, 1) / betaNorm;
    double dropped = integrate(l -> gamma.applyAsDouble(l) * Math.pow(l, x) * Math.exp(-l * tx), 0, 40) / gammaNorm
        * integrate(p -> beta.applyAsDouble(p) * p * Math.pow(1 - p, x), 0, 1) / betaNorm;
    return Math.log(alive + dropped);
  }

  @Test
  void logLikelihoodOfATinyPopulationMatchesNumericalIntegration() {
    double[][] population = {{0, 0, 30}, {1, 5, 30}, {3, 20, 40}, {2, 35, 35}};
    for (double[] h : population) {
      double closedForm = new MbgNbd().add(new double[] {2.0, 10.0, 2.0, 3.0}, h, 1, new double[4]);
      double integrated = byIntegration(2.0, 10.0, 2.0, 3.0, h[0], h[1], h[2]);
      assertEquals(integrated, closedForm, 1e-9 * Math.abs(integrated), java.util.Arrays.toString(h));
    }
  }

  @Test
  void gradientMatchesFiniteDifferences() {
    double[] params = {0.4, 25.0, 0.8, 2.5};
    for (double[] row : new double[][] {{0, 0, 30}, {1, 5, 30}, {7, 200, 700}, {40, 600, 610}}) {
      double[] analytic = new double[4];
      new MbgNbd().add(params, row, 1, analytic);
      for (int i = 0; i < 4; i++) {
        double h = 1e-6 * params[i];
        double[] up = params.clone();
        double[] down = params.clone();
        up[i] += h;
        down[i] -= h;
        double numeric = (new MbgNbd().add(up, row, 1, new double[4]) - new MbgNbd().add(down, row, 1, new double[4])) / (2 * h);
        assertEquals(numeric, analytic[i], 1e-5 * Math.max(1, Math.abs(numeric)), MbgNbd.PARAMETERS[i] + " at " + java.util.Arrays.toString(row));
      }
    }
  }

  @Test
  void aOneTimeBuyerSilentForLongIsProbablyGone() {
    // r = 1, α = 10, a = b = 1, x = 0, T = 10: odds dead = a/b · ((α+T)/α)^r = 2, so p_alive = 1/3.
    assertEquals(1.0 / 3, MbgNbd.probabilityAlive(new MbgNbd.Params(1, 10, 1, 1), 0, 0, 10), 1e-15);
    assertTrue(MbgNbd.probabilityAlive(PURCHASES, 0, 0, 700) < MbgNbd.probabilityAlive(PURCHASES, 0, 0, 30));
  }

  @Test
  void expectedPurchasesEqualTheFormulaAsPrinted() {
    // (a+b+x)/(a−1) · [1 − ((α+T)/(α+T+h))^(r+x) ₂F₁(r+x, b+x+1; a+b+x; h/(α+T+h))] · p_alive
    for (double[] h : new double[][] {{0, 0, 30}, {0, 0, 400}, {1, 5, 30}, {4, 200, 365}, {12, 300, 310}}) {
      for (double horizon : new double[] {30, 182.5, 365}) {
        MbgNbd.Params p = PURCHASES;
        double z = horizon / (p.alpha() + h[2] + horizon);
        double bracket = 1 - Math.pow((p.alpha() + h[2]) / (p.alpha() + h[2] + horizon), p.r() + h[0])
            * PredictionTest.directSeries(p.r() + h[0], p.b() + h[0] + 1, p.a() + p.b() + h[0], z);
        double expected = (p.a() + p.b() + h[0]) / (p.a() - 1) * bracket * MbgNbd.probabilityAlive(p, h[0], h[1], h[2]);
        assertEquals(expected, MbgNbd.expectedPurchases(p, h[0], h[1], h[2], horizon), 1e-9 * Math.max(1, expected),
            java.util.Arrays.toString(h) + " h=" + horizon);
      }
    }
  }

  @Test
  void predictionsMatchWhatSimulatedCustomersDidNext() {
    // 30,000 customers of the MBG/NBD story, observed for 90..720 days, then 180 days more. With the
    // true parameters only sampling noise separates prediction and outcome: with these group sizes
    // (thousands) the group totals' standard errors are 2-4 %, so 8 % is two to four of them; the
    // shares' standard errors are about 0.3 points, so 1 point.
    SimulatedCustomers s = SimulatedCustomers.modified(30_000, PURCHASES, 90, 720, 180, 11L);
    double[] predicted = new double[3];
    double[] actual = new double[3];
    double pAlive = 0;
    double alive = 0;
    double pBuy = 0;
    double bought = 0;
    for (int i = 0; i < s.x.length; i++) {
      int group = s.x[i] == 0 ? 0 : s.x[i] <= 2 ? 1 : 2;
      predicted[group] += MbgNbd.expectedPurchases(PURCHASES, s.x[i], s.tx[i], s.t[i], 180);
      actual[group] += s.holdoutPurchases[i];
      pAlive += MbgNbd.probabilityAlive(PURCHASES, s.x[i], s.tx[i], s.t[i]);
      alive += s.aliveAtT[i] ? 1 : 0;
      pBuy += PURCHASES.probabilityOfPurchase(s.x[i], s.tx[i], s.t[i], 180);
      bought += s.holdoutPurchases[i] > 0 ? 1 : 0;
    }
    for (int g = 0; g < 3; g++) {
      assertEquals(actual[g], predicted[g], 0.08 * actual[g], "holdout purchases of group " + g);
    }
    assertEquals(alive / s.x.length, pAlive / s.x.length, 0.01, "share alive at T");
    assertEquals(bought / s.x.length, pBuy / s.x.length, 0.01, "share with a purchase in the holdout");
  }

  @Test
  void probabilityOfPurchaseOfBothModelsIsPAliveTimesAFirstPurchaseWithinTheHorizon() {
    // x = 2, t_x = 50, T = 100, h = 30: P = p_alive · (1 − ((α+T)/(α+T+h))^(r+x)) = p_alive · (1 − (120/150)^2.5).
    double factor = 1 - Math.pow(120.0 / 150.0, 2.5);
    assertEquals(MbgNbd.probabilityAlive(PURCHASES, 2, 50, 100) * factor,
        MbgNbd.probabilityOfPurchase(PURCHASES, 2, 50, 100, 30), 1e-12);
    BgNbd.Params bg = new BgNbd.Params(0.5, 20.0, 2.0, 4.0);
    assertEquals(BgNbd.probabilityAlive(bg, 2, 50, 100) * factor, bg.probabilityOfPurchase(2, 50, 100, 30), 1e-12);
    assertEquals(0.0, bg.probabilityOfPurchase(2, 50, 100, 0), 0.0);
  }
}
