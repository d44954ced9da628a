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
 * The MBG/NBD story ({@code modified}) differs in one step: the customer may also leave, with the
 * same p, right after the first purchase on day 0.
 */
final class SimulatedCustomers {
  final double[] x;
  final double[] tx;
  final double[] t;
  final double[] meanSpend;
  /** Purchases in (T, T + holdout], and whether the customer was still alive at T. */
  final double[] holdoutPurchases;
  final boolean[] aliveAtT;
  /** Every purchase time, the first (0) included, up to T + holdout. */
  final double[][] times;
  /** Each customer's spend scale ν, and the shape of a purchase's value: Gamma(shape, ν). */
  final double[] nu;
  final double valueShape;

  SimulatedCustomers(int n, BgNbd.Params purchases, GammaGamma.Params spend, double minT, double maxT,
      double holdout, long seed) {
    this(n, purchases, spend, minT, maxT, holdout, seed, false);
  }

  /** The MBG/NBD story with its parameters. */
  static SimulatedCustomers modified(int n, MbgNbd.Params purchases, double minT, double maxT, double holdout, long seed) {
    return new SimulatedCustomers(n, new BgNbd.Params(purchases.r(), purchases.alpha(), purchases.a(), purchases.b()),
        new GammaGamma.Params(6.25, 3.74, 15.44), minT, maxT, holdout, seed, true);
  }

  SimulatedCustomers(int n, BgNbd.Params purchases, GammaGamma.Params spend, double minT, double maxT,
      double holdout, long seed, boolean modified) {
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
    times = new double[n][];
    nu = new double[n];
    valueShape = spend.p();
    for (int i = 0; i < n; i++) {
      double lambda = rates.sample();
      double p = dropouts.sample();
      nu[i] = scales.sample();
      GammaDistribution values = new GammaDistribution(rng, spend.p(), 1 / nu[i]);
      t[i] = minT + rng.nextDouble() * (maxT - minT);
      double now = 0;
      double droppedAt = Double.POSITIVE_INFINITY;
      double total = 0;
      java.util.List<Double> purchaseTimes = new java.util.ArrayList<>(java.util.List.of(0.0));
      // MBG/NBD: the first purchase may be the last (drawn only then, so BG/NBD's stream is unchanged).
      boolean goneAtFirst = modified && rng.nextDouble() < p;
      if (goneAtFirst) {
        droppedAt = 0;
      }
      while (!goneAtFirst) {
        now += -Math.log(1 - rng.nextDouble()) / lambda;
        if (now > t[i] + holdout) {
          break;
        }
        purchaseTimes.add(now);
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
      times[i] = purchaseTimes.stream().mapToDouble(Double::doubleValue).toArray();
      meanSpend[i] = x[i] > 0 ? total / x[i] : 0;
    }
  }

  /**
   * The purchases as transactions (customer_id, order_date, amount) of a data set ending on
   * {@code end}: customer i's first purchase is floor(T + holdout) days before it, and a purchase
   * at time s falls on day floor(s) after that. Simulate with one day more holdout than the data
   * spans, so that the last day is complete. Amounts follow the Gamma-Gamma story (a generator of
   * their own, so the purchase histories do not depend on them).
   */
  org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> transactions(java.time.LocalDate end, double holdout) {
    java.util.List<org.apache.spark.sql.Row> rows = new java.util.ArrayList<>();
    RandomGenerator amountRng = new Well19937c(1);
    for (int i = 0; i < times.length; i++) {
      GammaDistribution amounts = new GammaDistribution(amountRng, valueShape, 1 / nu[i]);
      java.time.LocalDate first = end.minusDays((long) Math.floor(t[i] + holdout));
      for (double s : times[i]) {
        java.time.LocalDate day = first.plusDays((long) Math.floor(s));
        if (!day.isAfter(end)) {
          rows.add(org.apache.spark.sql.RowFactory.create("c" + i, java.sql.Date.valueOf(day), amounts.sample()));
        }
      }
    }
    org.apache.spark.sql.types.StructType schema = new org.apache.spark.sql.types.StructType()
        .add(io.valuetier.schema.Columns.CUSTOMER_ID, org.apache.spark.sql.types.DataTypes.StringType)
        .add(io.valuetier.schema.Columns.ORDER_DATE, org.apache.spark.sql.types.DataTypes.DateType)
        .add(io.valuetier.schema.Columns.AMOUNT, org.apache.spark.sql.types.DataTypes.DoubleType);
    return io.valuetier.SparkTestSession.get().createDataFrame(rows, schema);
  }
}
