package dev.depthscope.reports.csv;

import dev.depthscope.reports.LayerTable;

/**
 * Writes the per-layer table as CSV ({@code layers.csv}): a header of snake_case keys, then one
 * line per block with full-precision numbers, empty cells for undefined values, and {@code
 * ineffective} as {@code true}/{@code false} (empty without NLL). Numbers and fixed keys only, so
 * nothing needs quoting and no cell can be read as a spreadsheet formula.
 */
public final class LayersCsv {
  private LayersCsv() {}

  /** The CSV text, lines ending in {@code \n}. */
  public static String of(LayerTable table) {
    StringBuilder sb = new StringBuilder("block");
    for (LayerTable.Column c : table.columns()) {
      sb.append(',').append(c.key());
    }
    sb.append(",ineffective\n");
    for (LayerTable.Row r : table.rows()) {
      sb.append(r.block());
      for (double v : r.values()) {
        sb.append(',');
        if (Double.isFinite(v)) {
          sb.append(v);
        }
      }
      sb.append(',').append(r.ineffective() == null ? "" : r.ineffective().toString());
      sb.append('\n');
    }
    return sb.toString();
  }
}
