package io.valuetier.lifetime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.valuetier.SparkTestSession;
import io.valuetier.config.TieringConfig;
import io.valuetier.schema.Columns;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Parameter recovery (docs/methods.md, "Lifetime value"): 40,000 customers simulated from known BG/NBD and Gamma-Gamma parameters
 * (the CDNOW estimates of Fader, Hardie and Lee, with α converted from weeks to days), fitted through
 * the job's own Spark path, recover every parameter.
 *
 * <p>Tolerances, stated before looking: with 40,000 customers the standard errors are roughly
 * those published for CDNOW's 2,357 divided by √17 ≈ 4, i.e. about 1.5 % for r, 2 % for α, 6 % for a,
 * 7 % for b; we allow about three of them: 5 % for r and α, 20 % for a and b. Gamma-Gamma's p, q and
 * v trade off against each other (only the spend distribution is identified well), so each gets
 * 20 % and the population mean spend p·v/(q−1), what the predictions use, 3 %.
 */
class ParameterRecoveryTest {
  private static final BgNbd.Params TRUE_PURCHASES = new BgNbd.Params(0.243, 4.414 * 7, 0.793, 2.426);
  private static final GammaGamma.Params TRUE_SPEND = new GammaGamma.Params(6.25, 3.74, 15.44);
  private static LifetimeValue.Fitted fitted;

  static Dataset<Row> histories(SimulatedCustomers s) {
    StructType schema = new StructType()
        .add(Columns.CUSTOMER_ID, DataTypes.StringType)
        .add(Columns.REPEAT_PURCHASES, DataTypes.DoubleType)
        .add(Columns.PURCHASE_SPAN_DAYS, DataTypes.DoubleType)
        .add(Columns.CUSTOMER_AGE_DAYS, DataTypes.DoubleType)
        .add(Columns.MEAN_REPEAT_SPEND, DataTypes.DoubleType);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < s.x.length; i++) {
      rows.add(RowFactory.create("c" + i, s.x[i], s.tx[i], s.t[i], s.x[i] > 0 ? s.meanSpend[i] : null));
    }
    return SparkTestSession.get().createDataFrame(rows, schema);
  }

  @BeforeAll
  static void fit() {
    SimulatedCustomers simulated = new SimulatedCustomers(40_000, TRUE_PURCHASES, TRUE_SPEND, 90, 720, 0, 20261123L);
    TieringConfig.LifetimeValue config = TieringConfig.parse("").lifetimeValue();
    fitted = new LifetimeValue(config).fit(histories(simulated).cache());
  }

  private static void assertWithin(double expected, double actual, double relative, String name) {
    assertEquals(expected, actual, relative * expected, name + ": fitted " + actual + ", true " + expected);
  }

  @Test
  void bgNbdRecoversRAlphaAB() {
    Map<String, Double> p = fitted.parameters();
    assertTrue(fitted.purchases().orElseThrow().converged(), fitted.status().toString());
    assertWithin(TRUE_PURCHASES.r(), p.get("bgnbd.r"), 0.05, "r");
    assertWithin(TRUE_PURCHASES.alpha(), p.get("bgnbd.alpha"), 0.05, "alpha");
    assertWithin(TRUE_PURCHASES.a(), p.get("bgnbd.a"), 0.20, "a");
    assertWithin(TRUE_PURCHASES.b(), p.get("bgnbd.b"), 0.20, "b");
  }

  @Test
  void gammaGammaRecoversPQVAndTheMeanSpend() {
    Map<String, Double> p = fitted.parameters();
    assertTrue(fitted.spend().orElseThrow().converged(), fitted.status().toString());
    assertWithin(TRUE_SPEND.p(), p.get("gamma_gamma.p"), 0.20, "p");
    assertWithin(TRUE_SPEND.q(), p.get("gamma_gamma.q"), 0.20, "q");
    assertWithin(TRUE_SPEND.v(), p.get("gamma_gamma.v"), 0.20, "v");
    GammaGamma.Params spend = new GammaGamma.Params(p.get("gamma_gamma.p"), p.get("gamma_gamma.q"), p.get("gamma_gamma.v"));
    assertWithin(TRUE_SPEND.populationMean(), spend.populationMean(), 0.03, "mean spend");
  }

  @Test
  void theFitIsAMaximum() {
    // Moving any parameter 2 % either way lowers the log-likelihood of the simulated population.
    MaximumLikelihood.Fit fit = fitted.purchases().orElseThrow();
    double[] best = fit.values();
    assertTrue(fit.logLikelihood() < 0 && Double.isFinite(fit.logLikelihood()));
    assertEquals(40_000, fit.observations(), 0.0);
    for (int i = 0; i < best.length; i++) {
      for (double factor : new double[] {0.98, 1.02}) {
        double[] moved = best.clone();
        moved[i] *= factor;
        assertTrue(fit.logLikelihood() > logLikelihood(moved), BgNbd.PARAMETERS[i] + " x " + factor);
      }
    }
  }

  private static SimulatedCustomers cachedPopulation;

  private static double logLikelihood(double[] params) {
    if (cachedPopulation == null) {
      cachedPopulation = new SimulatedCustomers(40_000, TRUE_PURCHASES, TRUE_SPEND, 90, 720, 0, 20261123L);
    }
    double sum = 0;
    for (int i = 0; i < cachedPopulation.x.length; i++) {
      sum += new BgNbd().add(params, new double[] {cachedPopulation.x[i], cachedPopulation.tx[i], cachedPopulation.t[i]}, 1, new double[4]);
    }
    return sum;
  }

  @Test
  void theFitIsTheSameToTheLastBitOnAnyPartitionLayout() {
    // Spark adds the blocks' sums in whatever order tasks finish unless told otherwise; floating-point
    // addition is not associative, so a layout-dependent order moved the parameters in their last digits.
    SimulatedCustomers simulated = new SimulatedCustomers(5_000, TRUE_PURCHASES, TRUE_SPEND, 90, 720, 0, 20261204L);
    TieringConfig.LifetimeValue config = TieringConfig.parse("").lifetimeValue();
    Map<String, Double> one = new LifetimeValue(config).fit(histories(simulated).coalesce(1).cache()).parameters();
    Map<String, Double> nine = new LifetimeValue(config).fit(histories(simulated).repartition(9).cache()).parameters();
    assertEquals(7, one.size(), one.toString());
    assertEquals(one, nine);
  }
}
