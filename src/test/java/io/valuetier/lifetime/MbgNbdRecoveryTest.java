package io.valuetier.lifetime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.valuetier.config.TieringConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Parameter recovery of MBG/NBD: 40,000 customers simulated from its story with the CDNOW-like
 * parameters of {@link ParameterRecoveryTest} (so a quarter of them may leave right after their
 * first purchase), fitted through the job's own Spark path ({@link LifetimeValue#fitPurchases}).
 * Tolerances as there, stated before looking: 5 % for r and α, 20 % for a and b (about three
 * standard errors at this size).
 */
class MbgNbdRecoveryTest {
  private static final MbgNbd.Params TRUE = new MbgNbd.Params(0.243, 4.414 * 7, 0.793, 2.426);
  private static SimulatedCustomers simulated;
  private static MaximumLikelihood.Fit fit;

  @BeforeAll
  static void fit() {
    simulated = SimulatedCustomers.modified(40_000, TRUE, 90, 720, 0, 20261124L);
    fit = new LifetimeValue(TieringConfig.parse("").lifetimeValue())
        .fitPurchases(LifetimeValue.MBG_NBD, ParameterRecoveryTest.histories(simulated).cache()).orElseThrow();
  }

  private static void assertWithin(double expected, double actual, double relative, String name) {
    assertEquals(expected, actual, relative * expected, name + ": fitted " + actual + ", true " + expected);
  }

  @Test
  void recoversRAlphaAB() {
    assertTrue(fit.converged(), fit.status());
    assertEquals(LifetimeValue.MBG_NBD, fit.model());
    assertWithin(TRUE.r(), fit.parameters().get("r"), 0.05, "r");
    assertWithin(TRUE.alpha(), fit.parameters().get("alpha"), 0.05, "alpha");
    assertWithin(TRUE.a(), fit.parameters().get("a"), 0.20, "a");
    assertWithin(TRUE.b(), fit.parameters().get("b"), 0.20, "b");
  }

  @Test
  void theFitIsAMaximum() {
    // Moving any parameter 2 % either way lowers the log-likelihood of the simulated population.
    double[] best = fit.values();
    assertEquals(40_000, fit.observations(), 0.0);
    assertEquals(logLikelihood(best), fit.logLikelihood(), 1e-6 * Math.abs(fit.logLikelihood()));
    for (int i = 0; i < best.length; i++) {
      for (double factor : new double[] {0.98, 1.02}) {
        double[] moved = best.clone();
        moved[i] *= factor;
        assertTrue(fit.logLikelihood() > logLikelihood(moved), MbgNbd.PARAMETERS[i] + " x " + factor);
      }
    }
  }

  private static double logLikelihood(double[] params) {
    double sum = 0;
    for (int i = 0; i < simulated.x.length; i++) {
      sum += new MbgNbd().add(params, new double[] {simulated.x[i], simulated.tx[i], simulated.t[i]}, 1, new double[4]);
    }
    return sum;
  }
}
