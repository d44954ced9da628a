package io.valuetier.segmentation;

/** The minimum-cost one-to-one assignment of a small square cost matrix, by trying every permutation. */
final class Assignment {
  /** Largest size tried: 8! = 40,320 permutations, instant on the driver. */
  static final int MAX = 8;

  private Assignment() {}

  /** {@code result[i]} = the column assigned to row i; ties go to the lexicographically first permutation. */
  static int[] minimumCost(double[][] cost) {
    int n = cost.length;
    if (n > MAX) {
      throw new IllegalArgumentException("assignment of " + n + " > " + MAX + " segments");
    }
    int[] current = new int[n];
    int[] best = new int[n];
    boolean[] used = new boolean[n];
    double[] bestCost = {Double.POSITIVE_INFINITY};
    search(cost, 0, 0.0, current, used, best, bestCost);
    return best;
  }

  private static void search(double[][] cost, int row, double sum, int[] current, boolean[] used, int[] best,
      double[] bestCost) {
    if (sum >= bestCost[0]) {
      return; // costs are distances, never negative: this branch cannot win
    }
    if (row == cost.length) {
      bestCost[0] = sum;
      System.arraycopy(current, 0, best, 0, current.length);
      return;
    }
    for (int c = 0; c < cost.length; c++) {
      if (!used[c]) {
        used[c] = true;
        current[row] = c;
        search(cost, row + 1, sum + cost[row][c], current, used, best, bestCost);
        used[c] = false;
      }
    }
  }
}
