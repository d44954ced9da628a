package io.valuetier.grading;

import io.valuetier.TieringException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Two-level AHP weights: a pairwise matrix over the dimensions (e.g. value, potential, risk) and
 * one over the indicators inside each dimension; an indicator's global weight is its dimension's
 * weight times its local weight. Every matrix is checked for consistency on its own, and the
 * error names the matrix that failed.
 */
public final class AhpHierarchy {
  /** A dimension, its indicators in matrix order, and their matrix (none needed for one indicator). */
  public record Dimension(String name, List<String> indicators, Optional<double[][]> matrix) {}

  /**
   * Global weights per indicator (summing to 1), weights per dimension, and the AHP result of every
   * matrix by its configuration path.
   */
  public record Weights(Map<String, Double> global, Map<String, Double> dimensions, Map<String, Ahp.Result> matrices) {}

  private AhpHierarchy() {}

  /**
   * {@code prefix} is the configuration path of the AHP block (e.g. {@code tiering.scoring.ahp}): the
   * matrix over the dimensions is {@code prefix.matrix}, a dimension's is {@code prefix.dimensions.<name>.matrix}.
   */
  public static Weights weights(String prefix, List<String> dimensionOrder, double[][] dimensionMatrix,
      List<Dimension> dimensions) {
    Map<String, Dimension> byName = new LinkedHashMap<>();
    for (Dimension d : dimensions) {
      byName.put(d.name(), d);
    }
    TieringException.check(dimensionOrder.size() == byName.size() && byName.keySet().containsAll(dimensionOrder),
        "%s.criteria %s must name each dimension %s once", prefix, dimensionOrder, byName.keySet());
    Map<String, Ahp.Result> matrices = new LinkedHashMap<>();
    Ahp.Result top = Ahp.consistentWeights(prefix + ".matrix", dimensionMatrix);
    matrices.put(prefix + ".matrix", top);
    TieringException.check(top.weights().length == dimensionOrder.size(),
        "%s.matrix has %d rows for %d dimensions", prefix, top.weights().length, dimensionOrder.size());
    Map<String, Double> dimensionWeights = new LinkedHashMap<>();
    Map<String, Double> global = new LinkedHashMap<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < dimensionOrder.size(); i++) {
      Dimension d = byName.get(dimensionOrder.get(i));
      double dimensionWeight = top.weights()[i];
      dimensionWeights.put(d.name(), dimensionWeight);
      double[] local = localWeights(prefix + ".dimensions." + d.name(), d, matrices);
      for (int j = 0; j < d.indicators().size(); j++) {
        String indicator = d.indicators().get(j);
        TieringException.check(seen.add(indicator), "%s: indicator %s is in more than one dimension", prefix, indicator);
        global.put(indicator, dimensionWeight * local[j]);
      }
    }
    return new Weights(global, dimensionWeights, matrices);
  }

  private static double[] localWeights(String path, Dimension d, Map<String, Ahp.Result> matrices) {
    int n = d.indicators().size();
    TieringException.check(n >= 1, "%s.indicators is empty", path);
    if (d.matrix().isEmpty()) {
      // One indicator carries its whole dimension; several need their comparisons.
      TieringException.check(n == 1, "%s: %d indicators need a matrix", path, n);
      return new double[] {1.0};
    }
    Ahp.Result r = Ahp.consistentWeights(path + ".matrix", d.matrix().get());
    TieringException.check(r.weights().length == n, "%s.matrix has %d rows for %d indicators", path,
        r.weights().length, n);
    matrices.put(path + ".matrix", r);
    return r.weights();
  }
}
