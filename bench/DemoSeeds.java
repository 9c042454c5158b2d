// Recomputes the demo's scheme comparison for runs kept by bench/demo-candidates.sh (not part of
// the tests): for each candidate folder, each seed's Pre-LN and LNS models are measured on 8 eval
// batches of 16 rows of their own held-out text (DepthMeasures, as the demo does), and the table
// prints per seed the eval loss, variance growth and deep-half removal cost of both models with
// bootstrap intervals, and the deep half's Jacobian deviation (2 probes), then the mean over seeds
// with its 95% t-interval.
//
// Usage (from the repository root, after mvn package):
//   java -cp 'analyzer-cli/target/depthscope.jar:analyzer-cli/target/lib/*' \
//       bench/DemoSeeds.java /tmp/demo-cands/L24-d64-s200 [more candidate folders]
import dev.depthscope.core.analysis.DepthMeasures;
import dev.depthscope.core.analysis.SchemeComparison;
import dev.depthscope.core.analysis.SchemeComparison.Estimate;
import dev.depthscope.core.analysis.SchemeComparison.ModelFigures;
import dev.depthscope.core.model.CausalLm;
import dev.depthscope.trainer.data.SyntheticLanguage;
import dev.depthscope.trainer.train.TokenStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

public class DemoSeeds {
  public static void main(String[] args) throws Exception {
    SyntheticLanguage lang = new SyntheticLanguage();
    for (String cand : args) {
      List<Path> seeds;
      try (Stream<Path> s = Files.list(Path.of(cand))) {
        seeds =
            s.filter(p -> Files.isDirectory(p.resolve("run/lns/model"))).sorted().toList();
      }
      List<List<DepthMeasures>> runs = new ArrayList<>();
      for (Path seed : seeds) {
        TokenStream eval =
            TokenStream.of(
                lang.stream(Files.readAllLines(seed.resolve("run/data/eval.txt"))), "eval");
        List<long[][]> batches = new ArrayList<>();
        for (int b = 0; b < 8; b++) {
          batches.add(eval.batch(b, 16, 64));
        }
        List<DepthMeasures> pair = new ArrayList<>();
        for (String scheme : new String[] {"pre", "lns"}) {
          try (CausalLm lm = CausalLm.open(seed.resolve("run/" + scheme + "/model"))) {
            pair.add(DepthMeasures.measure(lm, batches, 2));
          }
        }
        runs.add(pair);
        SchemeComparison one = SchemeComparison.of(List.of("Pre-LN", "LNS"), List.of(pair));
        print(Path.of(cand).getFileName() + " " + seed.getFileName(), one);
      }
      if (runs.size() > 1) {
        print(
            Path.of(cand).getFileName() + " mean of " + runs.size(),
            SchemeComparison.of(List.of("Pre-LN", "LNS"), runs));
      }
    }
  }

  static void print(String name, SchemeComparison c) {
    ModelFigures pre = c.models().get(0);
    ModelFigures lns = c.models().get(1);
    ModelFigures d = c.differences().get(0);
    System.out.printf(
        Locale.ROOT,
        "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
        name,
        f(pre.evalLoss(), 4),
        f(lns.evalLoss(), 4),
        f(d.evalLoss(), 4),
        f(pre.varianceGrowth(), 2),
        f(lns.varianceGrowth(), 2),
        f(d.varianceGrowth(), 2),
        f(pre.deepHalfDelta(), 3),
        f(lns.deepHalfDelta(), 3),
        f(d.deepHalfDelta(), 3),
        f(pre.deepHalfJacobianDeviation(), 3),
        f(lns.deepHalfJacobianDeviation(), 3),
        f(d.deepHalfJacobianDeviation(), 3));
  }

  static String f(Estimate e, int digits) {
    String p = "%." + digits + "f";
    return String.format(Locale.ROOT, p + " [" + p + ", " + p + "]", e.value(), e.low(), e.high());
  }
}
