package io.valuetier.lifetime;

import org.apache.commons.math3.distribution.BetaDistribution;
import org.apache.commons.math3.distribution.GammaDistribution;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;

/**
 * Purchase histories drawn from the BG/NBD and Gamma-Gamma stories themselves (not from their
 * likelihoods): each customer gets a rate λ ~ Gamma(r, α), a dropout probability p ~ Beta(a, b) and
 * a spend scale ν ~ Gamma(q, v); purchases follow a Poisson process from day 0, and after each
 * repeat purchase the customer leaves with probability p. Each purchase's value is Gamma(p_s, ν).
 */
final class SimulatedCustomers {
  final double[] x;
  final double[] tx;
  final double[] t;
  final double[] meanSpend;
  /** Purchases in (T, T + holdout], and whether the customer was still alive at T. */
  final double[] holdoutPurchases;
  final boolean[] aliveAtT;

  SimulatedCustomers(int n, BgNbd.Params purchases, GammaGamma.Params spend, double minT, double maxT,
      double holdout, long seed) {
    RandomGenerator rng = new Well19937c(seed);
    GammaDistribution rates = new GammaDistribution(rng, purchases.r(), 1 / purchases.alpha());
    BetaDistribution dropouts = new BetaDistribution(rng, purchases.a(), purchases.b());
    GammaDistribution scales = new GammaDistribution(rng, spend.q(), 1 / spend.v());
    x = new double[n];
    tx = new double[n];
    t = new double[n];
    meanSpend = new double[n];
    holdoutPurchases = new double[n];
    aliveAtT = new boolean[n];
    for (int i = 0; i < n; i++) {
      double lambda = rates.sample();
      double p = dropouts.sample();
      double nu = scales.sample();
      GammaDistribution values = new GammaDistribution(rng, spend.p(), 1 / nu);
      t[i] = minT + rng.nextDouble() * (maxT - minT);
      double now = 0;
      double droppedAt = Double.POSITIVE_INFINITY;
      double total = 0;
      while (true) {
        now += -Math.log(1 - rng.nextDouble()) / lambda;
        if (now > t[i] + holdout) {
          break;
        }
        if (now <= t[i]) {
          x[i]++;
          tx[i] = now;
          total += values.sample();
        } else {
          holdoutPurchases[i]++;
        }
        if (rng.nextDouble() < p) {
          droppedAt = now;
          break;
        }
      }
      aliveAtT[i] = droppedAt > t[i];
      meanSpend[i] = x[i] > 0 ? total / x[i] : 0;
    }
  }
}
