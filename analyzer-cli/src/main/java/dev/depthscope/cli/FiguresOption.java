package dev.depthscope.cli;

import dev.depthscope.reports.FigureFiles;
import java.util.Arrays;
import java.util.Iterator;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --figures png|svg|both}, shared as a picocli mixin by the commands that write a report:
 * which chart files go beside {@code report.html}. The value is checked while the command line is
 * parsed, so a typo is refused before an audit or a training run starts, not after it.
 */
final class FiguresOption {
  /** The values {@code --figures} accepts, for help and shell completion. */
  static final class Values implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return Arrays.stream(FigureFiles.values()).map(FigureFiles::cliName).iterator();
    }
  }

  /** Reads {@code png}, {@code svg} or {@code both} (any case). */
  static final class Converter implements ITypeConverter<FigureFiles> {
    @Override
    public FigureFiles convert(String value) {
      try {
        return FigureFiles.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  @Option(
      names = "--figures",
      paramLabel = "png|svg|both",
      defaultValue = "both",
      converter = Converter.class,
      completionCandidates = Values.class,
      description =
          "Chart files to write beside report.html: png (<chart>.png, 1600x900), svg"
              + " (<chart>.svg, the same figure as vector graphics with text as text, for papers)"
              + " or both (default). The page embeds its PNG pictures either way and links the"
              + " files written.")
  FigureFiles figures = FigureFiles.BOTH;

  /** The chart files to write. */
  FigureFiles files() {
    return figures;
  }
}
