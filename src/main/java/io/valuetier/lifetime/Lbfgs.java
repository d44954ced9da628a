package io.valuetier.lifetime;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Function;

/**
 * Limited-memory BFGS minimizer for a smooth function of a few parameters (the driver-side half of
 * the lifetime-value fits; the function itself is evaluated by Spark). Two-loop recursion with a
 * backtracking line search on the Armijo condition; curvature pairs with s·y ≤ 0 are skipped, so
 * the inverse-Hessian estimate stays positive definite.
 */
public final class Lbfgs {
  /** The function's value and gradient at a point. */
  public record Value(double value, double[] gradient) {}

  /** Where the search ended and why. */
  public record Result(double[] x, double value, double[] gradient, int iterations, int evaluations,
      boolean converged, String message) {}

  private static final int MEMORY = 10;
  private static final double ARMIJO = 1e-4;

  private final int maxIterations;
  private final double gradientTolerance;

  /** Stops when max |gradient component| ≤ {@code gradientTolerance}, or after {@code maxIterations}. */
  public Lbfgs(int maxIterations, double gradientTolerance) {
    this.maxIterations = maxIterations;
    this.gradientTolerance = gradientTolerance;
  }

  public Result minimize(Function<double[], Value> f, double[] start) {
    double[] x = start.clone();
    Value current = checked(f.apply(x), x);
    int evaluations = 1;
    Deque<double[][]> pairs = new ArrayDeque<>(); // {s, y, {1 / y·s}}
    for (int iteration = 0; iteration < maxIterations; iteration++) {
      if (maxAbs(current.gradient()) <= gradientTolerance) {
        return new Result(x, current.value(), current.gradient(), iteration, evaluations, true,
            "gradient below " + gradientTolerance);
      }
      double[] direction = direction(current.gradient(), pairs);
      double slope = dot(direction, current.gradient());
      if (slope >= 0) { // not a descent direction: restart from steepest descent
        pairs.clear();
        direction = scale(current.gradient(), -1);
        slope = dot(direction, current.gradient());
      }
      // The first step has no curvature information: keep it short in parameter space.
      double step = pairs.isEmpty() ? Math.min(1.0, 1.0 / Math.max(1e-12, maxAbs(direction))) : 1.0;
      double[] next = null;
      Value candidate = null;
      for (int halvings = 0; halvings < 60; halvings++) {
        next = axpy(step, direction, x);
        candidate = f.apply(next);
        evaluations++;
        if (Double.isFinite(candidate.value()) && allFinite(candidate.gradient())
            && candidate.value() <= current.value() + ARMIJO * step * slope) {
          break;
        }
        candidate = null;
        step /= 2;
      }
      if (candidate == null) {
        return new Result(x, current.value(), current.gradient(), iteration, evaluations,
            maxAbs(current.gradient()) <= Math.sqrt(gradientTolerance),
            "line search found no decrease (the optimum is as precise as the arithmetic allows)");
      }
      double[] s = subtract(next, x);
      double[] y = subtract(candidate.gradient(), current.gradient());
      double sy = dot(s, y);
      if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
        pairs.addLast(new double[][] {s, y, {1.0 / sy}});
        if (pairs.size() > MEMORY) {
          pairs.removeFirst();
        }
      }
      x = next;
      current = candidate;
    }
    boolean converged = maxAbs(current.gradient()) <= gradientTolerance;
    return new Result(x, current.value(), current.gradient(), maxIterations, evaluations, converged,
        converged ? "gradient below " + gradientTolerance : "stopped after " + maxIterations + " iterations");
  }

  /** −H·g by the two-loop recursion over the stored pairs (oldest first). */
  private static double[] direction(double[] gradient, Deque<double[][]> pairs) {
    double[] q = gradient.clone();
    double[][][] stored = pairs.toArray(new double[0][][]);
    double[] alpha = new double[stored.length];
    for (int i = stored.length - 1; i >= 0; i--) {
      alpha[i] = stored[i][2][0] * dot(stored[i][0], q);
      q = axpy(-alpha[i], stored[i][1], q);
    }
    if (stored.length > 0) {
      double[][] last = stored[stored.length - 1];
      q = scale(q, dot(last[0], last[1]) / dot(last[1], last[1]));
    }
    for (int i = 0; i < stored.length; i++) {
      double beta = stored[i][2][0] * dot(stored[i][1], q);
      q = axpy(alpha[i] - beta, stored[i][0], q);
    }
    return scale(q, -1);
  }

  private static Value checked(Value v, double[] x) {
    if (!Double.isFinite(v.value()) || !allFinite(v.gradient())) {
      throw new IllegalArgumentException("the objective is not finite at the starting point " + java.util.Arrays.toString(x));
    }
    return v;
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static double[] axpy(double a, double[] x, double[] y) {
    double[] r = new double[y.length];
    for (int i = 0; i < y.length; i++) {
      r[i] = a * x[i] + y[i];
    }
    return r;
  }

  private static double[] scale(double[] x, double a) {
    return axpy(a, x, new double[x.length]);
  }

  private static double[] subtract(double[] a, double[] b) {
    return axpy(-1, b, a);
  }

  private static double maxAbs(double[] v) {
    double m = 0;
    for (double d : v) {
      m = Math.max(m, Math.abs(d));
    }
    return m;
  }

  private static boolean allFinite(double[] v) {
    for (double d : v) {
      if (!Double.isFinite(d)) {
        return false;
      }
    }
    return true;
  }
}
