package io.valuetier.lifetime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LbfgsTest {
  /** Rosenbrock's valley: minimum 0 at (1, 1), famously hard for gradient descent. */
  private static Lbfgs.Value rosenbrock(double[] v) {
    double x = v[0];
    double y = v[1];
    double value = 100 * Math.pow(y - x * x, 2) + Math.pow(1 - x, 2);
    double dx = -400 * x * (y - x * x) - 2 * (1 - x);
    double dy = 200 * (y - x * x);
    return new Lbfgs.Value(value, new double[] {dx, dy});
  }

  @Test
  void findsTheMinimumOfRosenbrocksValley() {
    Lbfgs.Result r = new Lbfgs(500, 1e-9).minimize(LbfgsTest::rosenbrock, new double[] {-1.2, 1.0});
    assertTrue(r.converged(), r.message());
    assertEquals(1.0, r.x()[0], 1e-6);
    assertEquals(1.0, r.x()[1], 1e-6);
    assertEquals(0.0, r.value(), 1e-12);
  }

  @Test
  void reportsWhenItRunsOutOfIterations() {
    Lbfgs.Result r = new Lbfgs(3, 1e-12).minimize(LbfgsTest::rosenbrock, new double[] {-1.2, 1.0});
    assertFalse(r.converged());
    assertEquals(3, r.iterations());
    assertTrue(r.message().contains("stopped after 3 iterations"), r.message());
  }
}
