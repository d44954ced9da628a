package io.valuetier.segmentation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.valuetier.TieringException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the segmentation of one snapshot date decided, stored with the date's model so a rerun of
 * the date decides exactly the same: k, the segment (id and name) of each k-means cluster, the date
 * of the model it derives from, whether that model was fitted, reused or refitted and why, the
 * drift figure, and the previous snapshot tier stability compared with.
 *
 * @param drift size-weighted mean distance (standardized units) between the earlier model's
 *     centroids and tonight's customers assigned to them; null when nothing earlier was measured
 */
public record SegmentationDecision(
    LocalDate snapshotDate,
    int k,
    LocalDate modelDate,
    String decision,
    String reason,
    Double drift,
    Optional<LocalDate> previousSnapshotDate,
    double silhouette,
    Map<Integer, Double> silhouetteByK,
    List<Label> labels) {

  public static final String FITTED = "fitted";
  public static final String REUSED = "reused";
  public static final String REFITTED = "refitted";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The segment of one k-means cluster id: rank (1 = most valuable), name, and what named it. */
  public record Label(int cluster, int segmentId, String segment, String namedBy) {}

  /** Segment id → name, in segment id order (1 first): the ranked tiers of the segment method. */
  public List<String> namesInSegmentOrder() {
    List<Label> sorted = new ArrayList<>(labels);
    sorted.sort(java.util.Comparator.comparingInt(Label::segmentId));
    return sorted.stream().map(Label::segment).toList();
  }

  public Map<Integer, Label> byCluster() {
    Map<Integer, Label> m = new LinkedHashMap<>();
    labels.forEach(l -> m.put(l.cluster(), l));
    return m;
  }

  /** The same decision, recorded for another date (a reuse of an earlier night's model). */
  public SegmentationDecision reusedOn(LocalDate date, String why, double measuredDrift, Optional<LocalDate> previous) {
    return new SegmentationDecision(date, k, modelDate, REUSED, why, measuredDrift, previous, silhouette,
        silhouetteByK, labels);
  }

  public String toJson() {
    ObjectNode n = JSON.createObjectNode();
    n.put("snapshot_date", snapshotDate.toString());
    n.put("k", k);
    n.put("model_date", modelDate.toString());
    n.put("decision", decision);
    n.put("reason", reason);
    if (drift == null || drift.isNaN()) {
      n.putNull("drift");
    } else {
      n.put("drift", drift);
    }
    n.put("previous_snapshot_date", previousSnapshotDate.map(LocalDate::toString).orElse(null));
    n.put("silhouette", Double.isNaN(silhouette) ? null : silhouette);
    ObjectNode byK = n.putObject("silhouette_by_k");
    silhouetteByK.forEach((kk, s) -> byK.put(String.valueOf(kk), s));
    ArrayNode clusters = n.putArray("clusters");
    for (Label l : labels) {
      clusters.addObject().put("cluster", l.cluster()).put("segment_id", l.segmentId()).put("segment", l.segment())
          .put("named_by", l.namedBy());
    }
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static SegmentationDecision fromJson(String text, String where) {
    try {
      JsonNode n = JSON.readTree(text);
      Map<Integer, Double> byK = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = n.get("silhouette_by_k").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        byK.put(Integer.parseInt(e.getKey()), e.getValue().asDouble());
      }
      List<Label> labels = new ArrayList<>();
      for (JsonNode c : n.get("clusters")) {
        labels.add(new Label(c.get("cluster").asInt(), c.get("segment_id").asInt(), c.get("segment").asText(),
            c.get("named_by").asText()));
      }
      JsonNode previous = n.get("previous_snapshot_date");
      JsonNode drift = n.get("drift");
      JsonNode silhouette = n.get("silhouette");
      return new SegmentationDecision(LocalDate.parse(n.get("snapshot_date").asText()), n.get("k").asInt(),
          LocalDate.parse(n.get("model_date").asText()), n.get("decision").asText(), n.get("reason").asText(),
          drift == null || drift.isNull() ? null : drift.asDouble(),
          previous == null || previous.isNull() ? Optional.empty() : Optional.of(LocalDate.parse(previous.asText())),
          silhouette == null || silhouette.isNull() ? Double.NaN : silhouette.asDouble(), byK, labels);
    } catch (Exception e) { // unreadable JSON or a missing field: the file was not written by this job
      throw new TieringException("cannot read the segmentation decision " + where + ": " + e.getMessage(), e);
    }
  }
}
