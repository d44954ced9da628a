package io.valuetier.segmentation;

import io.valuetier.config.TieringConfig;
import io.valuetier.segmentation.SegmentationDecision.Label;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Names k-means segments from what their customers are like. Segments are ranked by mean value
 * (monetary or profit, per rank-by), ties by lower mean recency, then higher frequency, then
 * higher tenure: segment_id 1 is the most valuable whatever id k-means gave the cluster. Each
 * profile is then compared with the population (ratio of the segment mean to the population
 * mean of value, recency, frequency and tenure) and the configured rules are tried in order: a
 * rule names the one unnamed segment that fits its bounds best (farthest past them; ties by rank).
 * Segments no rule named take the name of their value rank from {@code names} (or, when a rule
 * took it, the nearest unused one), so every segment gets a distinct name.
 *
 * <p>Works on the k profiles only (one row per segment on the driver), never on customers.
 */
public final class SegmentNaming {
  /** One segment's size and mean raw features, as tonight's customers assigned to it show them. */
  public record Profile(int cluster, long customers, double value, double recency, double frequency, double tenure) {}

  /** A profile's means divided by the size-weighted population means. */
  public record Ratios(double value, double recency, double frequency, double tenure) {}

  private final TieringConfig.Segmentation config;

  public SegmentNaming(TieringConfig.Segmentation config) {
    this.config = config;
  }

  /** Labels (segment id = value rank, name, which rule named it) for the clusters of one fit. */
  public List<Label> name(List<Profile> profiles) {
    List<Profile> ranked = new ArrayList<>(profiles);
    ranked.sort(Comparator.comparingDouble((Profile p) -> -p.value()).thenComparingDouble(Profile::recency)
        .thenComparingDouble(p -> -p.frequency()).thenComparingDouble(p -> -p.tenure())
        .thenComparingInt(Profile::cluster));
    Map<Integer, Ratios> ratios = ratios(profiles);
    int k = ranked.size();
    String[] names = new String[k];
    String[] namedBy = new String[k];
    Set<String> used = new HashSet<>();
    for (TieringConfig.NamingRule rule : config.naming()) {
      int best = -1;
      double bestFit = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < k; i++) {
        if (names[i] != null || used.contains(rule.name())) {
          continue;
        }
        double fit = fit(rule, i + 1, ratios.get(ranked.get(i).cluster()));
        if (fit > bestFit) { // strictly greater: among equal fits the better rank wins
          best = i;
          bestFit = fit;
        }
      }
      if (best >= 0) {
        names[best] = rule.name();
        namedBy[best] = "rule " + rule.describe();
        used.add(rule.name());
      }
    }
    List<String> byRank = config.namesFor(k);
    for (int i = 0; i < k; i++) {
      if (names[i] == null) {
        int j = nearestUnused(byRank, used, i);
        names[i] = byRank.get(j);
        namedBy[i] = "value rank " + (i + 1) + " of " + k;
        used.add(names[i]);
      }
    }
    List<Label> labels = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      labels.add(new Label(ranked.get(i).cluster(), i + 1, names[i], namedBy[i]));
    }
    labels.sort(Comparator.comparingInt(Label::cluster));
    return labels;
  }

  /** Each cluster's means relative to the size-weighted population means. */
  public static Map<Integer, Ratios> ratios(List<Profile> profiles) {
    double n = 0;
    double value = 0;
    double recency = 0;
    double frequency = 0;
    double tenure = 0;
    for (Profile p : profiles) {
      n += p.customers();
      value += p.customers() * p.value();
      recency += p.customers() * p.recency();
      frequency += p.customers() * p.frequency();
      tenure += p.customers() * p.tenure();
    }
    Map<Integer, Ratios> m = new LinkedHashMap<>();
    for (Profile p : profiles) {
      m.put(p.cluster(), new Ratios(p.value() / (value / n), p.recency() / (recency / n),
          p.frequency() / (frequency / n), p.tenure() / (tenure / n)));
    }
    return m;
  }

  /**
   * How well a segment fits a rule: -infinity when it misses a bound (or the rank), else the sum
   * over the rule's ratio bounds of |log(ratio / bound)|, i.e. how far past them it lies.
   */
  private static double fit(TieringConfig.NamingRule rule, int rank, Ratios r) {
    if (rule.rank() > 0 && rule.rank() != rank) {
      return Double.NEGATIVE_INFINITY;
    }
    double[] ratios = {r.value(), r.recency(), r.frequency(), r.tenure()};
    double fit = 0;
    for (int f = 0; f < ratios.length; f++) {
      double min = rule.min()[f];
      double max = rule.max()[f];
      double x = ratios[f];
      if (!Double.isNaN(min)) {
        if (!(x >= min)) {
          return Double.NEGATIVE_INFINITY; // also when the ratio is undefined (NaN)
        }
        fit += Math.abs(Math.log(x / min));
      }
      if (!Double.isNaN(max)) {
        if (!(x <= max)) {
          return Double.NEGATIVE_INFINITY;
        }
        fit += Math.abs(Math.log(max / x));
      }
    }
    return fit;
  }

  /** The unused name at {@code rank}, else the nearest unused one (the less valuable side first). */
  private static int nearestUnused(List<String> names, Set<String> used, int rank) {
    for (int d = 0; d < names.size(); d++) {
      if (rank + d < names.size() && !used.contains(names.get(rank + d))) {
        return rank + d;
      }
      if (rank - d >= 0 && !used.contains(names.get(rank - d))) {
        return rank - d;
      }
    }
    throw new IllegalStateException("more segments than names"); // validated: names for k has k entries
  }
}
