package dev.depthscope.cli;

import dev.depthscope.reports.chart.HeatmapStyle;
import java.util.Arrays;
import java.util.Iterator;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --heatmap ours|paper}, shared as a picocli mixin by the commands that write a report: draw
 * the n-layers-ahead angular distance as our raw matrix only, or also as the Curse of Depth paper
 * draws it (transposed, h_L after the final norm, rows normalized). Checked while the command line
 * is parsed, so a typo is refused before an audit starts.
 */
final class HeatmapOption {
  /** The values {@code --heatmap} accepts, for help and shell completion. */
  static final class Values implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return Arrays.stream(HeatmapStyle.values()).map(HeatmapStyle::cliName).iterator();
    }
  }

  /** Reads {@code ours} or {@code paper} (any case). */
  static final class Converter implements ITypeConverter<HeatmapStyle> {
    @Override
    public HeatmapStyle convert(String value) {
      try {
        return HeatmapStyle.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  @Option(
      names = "--heatmap",
      paramLabel = "ours|paper",
      defaultValue = "ours",
      converter = Converter.class,
      completionCandidates = Values.class,
      description =
          "How to draw the n-layers-ahead angular distance: ours (default: the raw"
              + " last_token_angular_matrix) or paper (ours plus, beside it,"
              + " angular-matrix-paper: the Curse of Depth paper's drawing, transposed, h_L after"
              + " the final norm, each row clipped to its 1st-99th percentile and min-max scaled;"
              + " see docs/METRICS.md).")
  HeatmapStyle heatmap = HeatmapStyle.OURS;

  /** The chosen style. */
  HeatmapStyle style() {
    return heatmap;
  }
}
