package io.valuetier.lifetime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Per-customer predictions of BG/NBD and Gamma-Gamma, and the NPV sum of "Lifetime value" (docs/methods.md). */
class PredictionTest {
  private static final BgNbd.Params PURCHASES = new BgNbd.Params(0.243, 30.9, 0.793, 2.426);

  /** Gauss's series summed directly, in logarithms: fine for moderate parameters, no transformation (also MbgNbdTest's check). */
  static double directSeries(double a, double b, double c, double z) {
    double logTerm = 0;
    double sum = 1;
    for (int n = 0; n < 200_000; n++) {
      logTerm += Math.log((a + n) * (b + n) / ((c + n) * (n + 1)) * z);
      sum += Math.exp(logTerm);
      if (logTerm < Math.log(sum) - 40) {
        break;
      }
    }
    return sum;
  }

  /** FHL 2005 eq. 10 as printed, with the hypergeometric function summed directly. */
  private static double expectedAsPrinted(BgNbd.Params p, double x, double tx, double t, double h) {
    double z = h / (p.alpha() + t + h);
    double bracket = 1 - Math.pow((p.alpha() + t) / (p.alpha() + t + h), p.r() + x)
        * directSeries(p.r() + x, p.b() + x, p.a() + p.b() + x - 1, z);
    double odds = x > 0 ? p.a() / (p.b() + x - 1) * Math.pow((p.alpha() + t) / (p.alpha() + tx), p.r() + x) : 0;
    return (p.a() + p.b() + x - 1) / (p.a() - 1) * bracket / (1 + odds);
  }

  @Test
  void expectedPurchasesEqualTheFormulaAsPrinted() {
    double[][] histories = {{0, 0, 30}, {0, 0, 400}, {1, 5, 30}, {4, 200, 365}, {12, 300, 310}};
    for (double[] h : histories) {
      for (double horizon : new double[] {30, 182.5, 365}) {
        double expected = expectedAsPrinted(PURCHASES, h[0], h[1], h[2], horizon);
        assertEquals(expected, BgNbd.expectedPurchases(PURCHASES, h[0], h[1], h[2], horizon), 1e-9 * Math.max(1, expected),
            java.util.Arrays.toString(h) + " h=" + horizon);
      }
    }
  }

  @Test
  void oneTimeBuyersAreAliveByConstructionAndExpectTheUnconditionalRate() {
    assertEquals(1.0, BgNbd.probabilityAlive(PURCHASES, 0, 0, 200), 0.0);
    // x = 0 bought only on day 0; at T = 0 the conditional expectation is the unconditional
    // E[X(h)] = (a+b−1)/(a−1) · [1 − (α/(α+h))^r ₂F₁(r, b; a+b−1; h/(α+h))] of FHL eq. 9.
    double h = 365;
    double unconditional = (PURCHASES.a() + PURCHASES.b() - 1) / (PURCHASES.a() - 1)
        * (1 - Math.pow(PURCHASES.alpha() / (PURCHASES.alpha() + h), PURCHASES.r())
            * directSeries(PURCHASES.r(), PURCHASES.b(), PURCHASES.a() + PURCHASES.b() - 1, h / (PURCHASES.alpha() + h)));
    assertEquals(unconditional, BgNbd.expectedPurchases(PURCHASES, 0, 0, 0, h), 1e-9);
  }

  @Test
  void aBuyerWhoStoppedLongAgoIsProbablyGone() {
    double recent = BgNbd.probabilityAlive(PURCHASES, 10, 360, 365);
    double lapsed = BgNbd.probabilityAlive(PURCHASES, 10, 60, 365);
    assertTrue(recent > 0.9 && lapsed < 0.05, recent + " vs " + lapsed);
    assertTrue(BgNbd.expectedPurchases(PURCHASES, 10, 360, 365, 365) > 10 * BgNbd.expectedPurchases(PURCHASES, 10, 60, 365, 365));
  }

  @Test
  void hugeHistoriesGiveFinitePredictions() {
    // 10,000 purchase days in 30 years, the last one yesterday: about one purchase a day ahead.
    double perDay = (PURCHASES.r() + 10_000) / (PURCHASES.alpha() + 10_957);
    double alive = BgNbd.probabilityAlive(PURCHASES, 10_000, 10_956, 10_957);
    double next30 = BgNbd.expectedPurchases(PURCHASES, 10_000, 10_956, 10_957, 30);
    assertTrue(alive > 0.99 && alive <= 1, "p_alive " + alive);
    assertTrue(next30 > 0.9 * 30 * perDay && next30 < 30 * perDay, next30 + " vs rate " + perDay);
    // The same buyer silent for a year: gone, without overflow.
    double silent = BgNbd.probabilityAlive(PURCHASES, 10_000, 10_592, 10_957);
    assertTrue(silent >= 0 && silent < 1e-100, "p_alive " + silent);
  }

  @Test
  void predictionsMatchWhatSimulatedCustomersDidNext() {
    // 30,000 customers from the true parameters, observed for 90..720 days, then 180 days more.
    SimulatedCustomers s = new SimulatedCustomers(30_000, PURCHASES, new GammaGamma.Params(6.25, 3.74, 15.44),
        90, 720, 180, 7L);
    double[] predicted = new double[3];
    double[] actual = new double[3];
    double pAlive = 0;
    double alive = 0;
    for (int i = 0; i < s.x.length; i++) {
      int group = s.x[i] == 0 ? 0 : s.x[i] <= 2 ? 1 : 2;
      predicted[group] += BgNbd.expectedPurchases(PURCHASES, s.x[i], s.tx[i], s.t[i], 180);
      actual[group] += s.holdoutPurchases[i];
      pAlive += BgNbd.probabilityAlive(PURCHASES, s.x[i], s.tx[i], s.t[i]);
      alive += s.aliveAtT[i] ? 1 : 0;
    }
    for (int g = 0; g < 3; g++) {
      assertEquals(actual[g], predicted[g], 0.08 * actual[g], "holdout purchases of group " + g);
    }
    assertEquals(alive / s.x.length, pAlive / s.x.length, 0.01, "share alive at T");
  }

  @Test
  void expectedSpendShrinksTheCustomersMeanTowardsThePopulations() {
    GammaGamma.Params spend = new GammaGamma.Params(6.25, 3.74, 15.44);
    double population = 6.25 * 15.44 / 2.74;
    assertEquals(population, GammaGamma.expectedAverageValue(spend, 0, 0), 1e-12);
    // x = 1, m = 100: (p(v + x m)) / (px + q − 1) = 6.25 · 115.44 / 8.99
    assertEquals(6.25 * 115.44 / 8.99, GammaGamma.expectedAverageValue(spend, 1, 100), 1e-9);
    double heavy = GammaGamma.expectedAverageValue(spend, 1000, 100);
    assertTrue(Math.abs(heavy - 100) < 1, "many purchases: close to the customer's own mean, got " + heavy);
  }

  @Test
  void presentValueDiscountsEachMonthsMargin() {
    // Expected purchases 1, 0.5, 0.25 in months 1..3, spend 100, margin 30 %, service cost 2 a
    // month, 1 % a month: 28/1.01 + 13/1.01² + 5.5/1.01³.
    double expected = 28 / 1.01 + 13 / (1.01 * 1.01) + 5.5 / (1.01 * 1.01 * 1.01);
    assertEquals(expected, LifetimeValue.presentValue(new double[] {0, 1, 1.5, 1.75}, 100, 0.3, 2, 0.01), 1e-12);
    assertEquals(30 * 1.75, LifetimeValue.presentValue(new double[] {0, 1, 1.5, 1.75}, 100, 0.3, 0, 0), 1e-12);
  }
}
