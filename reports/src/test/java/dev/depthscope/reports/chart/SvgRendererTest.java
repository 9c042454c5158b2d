package dev.depthscope.reports.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthscope.reports.LabeledAudit;
import dev.depthscope.reports.Samples;
import dev.depthscope.reports.TrainingCurves;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.renderer.xy.XYItemRenderer;
import org.jfree.data.xy.XYDataset;
import org.jfree.data.xy.XYZDataset;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXParseException;

/**
 * The SVG figures: standalone XML documents of the PNG's size, text as text, and every data series
 * of the chart drawn, checked on every chart of the sample audits (single and comparison).
 */
class SvgRendererTest {
  private static final String SVG_NS = "http://www.w3.org/2000/svg";
  private static final Pattern RGB =
      Pattern.compile("(?:stroke|fill):\\s*rgb\\((\\d+),(\\d+),(\\d+)\\)");
  private static final List<String> SHAPES =
      List.of("line", "path", "rect", "ellipse", "circle", "polyline", "polygon");

  /** Every chart the sample audits make: all single-audit kinds, overlays and training loss. */
  private static List<Chart> sampleCharts() throws Exception {
    List<TrainingCurves> curves = TrainingCurves.read(Samples.path(Samples.TRAINER_CURVES));
    List<Chart> charts = new ArrayList<>(AuditCharts.of(Samples.audit(Samples.MOE), curves));
    // The trained model's audit ran a removal search: its chart is the one the MoE sample lacks.
    AuditCharts.of(Samples.audit(Samples.LLAMA_PRE), List.of()).stream()
        .filter(c -> c.name().equals("removal-search"))
        .forEach(charts::add);
    charts.addAll(
        CompareCharts.of(
            LabeledAudit.byModelName(
                List.of(Samples.audit(Samples.LLAMA_PRE), Samples.audit(Samples.QWEN_MC))),
            curves));
    return charts;
  }

  /** Parses like a strict consumer: namespaces on, and a DOCTYPE (a DTD to fetch) refused. */
  static Document parse(String svg) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    DocumentBuilder b = f.newDocumentBuilder();
    b.setErrorHandler(null);
    return b.parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
  }

  private static List<Element> elements(Document d, String tag) {
    NodeList list = d.getElementsByTagNameNS(SVG_NS, tag);
    List<Element> out = new ArrayList<>();
    for (int i = 0; i < list.getLength(); i++) {
      out.add((Element) list.item(i));
    }
    return out;
  }

  private static List<String> texts(Document d) {
    return elements(d, "text").stream().map(Node::getTextContent).toList();
  }

  @Test
  void everyChartIsAStandaloneSvgOfThePngSizeWithItsTextAsText() throws Exception {
    List<Chart> charts = sampleCharts();
    assertEquals(
        List.of(
            "variance",
            "angular-distance",
            "angular-matrix",
            "pruning-delta-nll",
            "mc-accuracy-delta",
            "expert-load",
            "training-loss",
            "removal-search",
            "compare-variance",
            "compare-angular-distance",
            "compare-block-influence",
            "compare-pruning-delta-nll",
            "compare-mc-accuracy-delta",
            "training-loss"),
        charts.stream().map(Chart::name).toList(),
        "the samples cover every kind of chart");
    for (Chart c : charts) {
      String svg = SvgRenderer.svg(c.chart(), 1600, 900);
      assertTrue(svg.startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg "), c.name());
      Document d = parse(svg);
      Element root = d.getDocumentElement();
      assertEquals(SVG_NS, root.getNamespaceURI(), c.name());
      assertEquals("svg", root.getLocalName(), c.name());
      BufferedImage png =
          ImageIO.read(new ByteArrayInputStream(PngRenderer.png(c.chart(), 1600, 900)));
      assertEquals(Integer.toString(png.getWidth()), root.getAttribute("width"), c.name());
      assertEquals(Integer.toString(png.getHeight()), root.getAttribute("height"), c.name());
      assertEquals("0 0 1600 900", root.getAttribute("viewBox"), c.name());
      // Text is <text>, not outlines: the title and the axis labels can be read back.
      List<String> texts = texts(d);
      assertTrue(texts.contains(c.chart().getTitle().getText()), c.name() + ": " + texts);
      XYPlot plot = c.chart().getXYPlot();
      assertTrue(texts.contains(plot.getDomainAxis().getLabel()), c.name() + ": " + texts);
      assertTrue(texts.contains(plot.getRangeAxis().getLabel()), c.name() + ": " + texts);
      assertEquals(List.of(), elements(d, "image"), c.name() + ": no embedded raster");
      assertFalse(svg.contains("<!DOCTYPE"), c.name());
    }
  }

  @Test
  void everyDataSeriesIsInTheSvgWithItsLegendLabel() throws Exception {
    int checked = 0;
    for (Chart c : sampleCharts()) {
      JFreeChart chart = c.chart();
      XYPlot plot = chart.getXYPlot();
      XYDataset data = plot.getDataset();
      XYItemRenderer r = plot.getRenderer();
      Document d = parse(SvgRenderer.svg(chart, 1600, 900));
      if (chart.getLegend() != null) {
        // The legend names each series once: as many series labels as the dataset has series.
        List<String> texts = texts(d);
        List<String> keys = new ArrayList<>();
        for (int s = 0; s < data.getSeriesCount(); s++) {
          keys.add(data.getSeriesKey(s).toString());
        }
        List<String> labels = texts.stream().filter(keys::contains).toList();
        assertEquals(data.getSeriesCount(), labels.size(), c.name() + ": " + texts);
        assertEquals(keys.stream().sorted().toList(), labels.stream().sorted().toList());
      }
      // Every data item is drawn in its series' colour (a heatmap cell in its scale colour)
      // inside the plot: each item gives a marker, a cell, or the line segment that ends at it.
      Map<String, Integer> expected = new HashMap<>();
      for (int s = 0; s < data.getSeriesCount(); s++) {
        int items = 0;
        for (int i = 0; i < data.getItemCount(s); i++) {
          if (Double.isFinite(data.getYValue(s, i))) {
            String colour;
            if (r instanceof XYBlockRenderer block) {
              double z = ((XYZDataset) data).getZValue(s, i);
              if (!Double.isFinite(z)) {
                continue;
              }
              colour = rgb((Color) block.getPaintScale().getPaint(z));
              expected.merge(colour, 1, Integer::sum);
            }
            items++;
          }
        }
        if (!(r instanceof XYBlockRenderer)) {
          // A line-only series draws one segment fewer than it has items.
          expected.merge(rgb((Color) r.getItemPaint(s, 0)), Math.max(0, items - 1), Integer::sum);
        }
      }
      Map<String, Integer> drawn = plotColours(d);
      for (var e : expected.entrySet()) {
        assertTrue(
            drawn.getOrDefault(e.getKey(), 0) >= e.getValue(),
            c.name()
                + ": colour "
                + e.getKey()
                + " drawn "
                + drawn.get(e.getKey())
                + " times in the plot, expected at least "
                + e.getValue());
      }
      assertTrue(expected.values().stream().mapToInt(Integer::intValue).sum() > 0, c.name());
      checked++;
    }
    assertEquals(14, checked);
  }

  @Test
  void theCheckSeesASeriesThatIsNotDrawn() throws Exception {
    // Control: hiding a series must make its colour and legend label go missing from the SVG.
    Chart c = AuditCharts.of(Samples.audit(Samples.MOE), List.of()).get(1); // angular distance
    XYPlot plot = c.chart().getXYPlot();
    String colour = rgb((Color) plot.getRenderer().getItemPaint(1, 0));
    String label = plot.getDataset().getSeriesKey(1).toString();
    Document shown = parse(SvgRenderer.svg(c.chart(), 1600, 900));
    plot.getRenderer().setSeriesVisible(1, false);
    Document hidden = parse(SvgRenderer.svg(c.chart(), 1600, 900));
    assertTrue(plotColours(shown).getOrDefault(colour, 0) >= 3);
    assertEquals(0, plotColours(hidden).getOrDefault(colour, 0));
    assertTrue(texts(shown).contains(label));
    assertFalse(texts(hidden).contains(label));
  }

  @Test
  void aBadSizeIsRefused() {
    JFreeChart chart = AuditCharts.of(Samples.audit(Samples.QWEN_MC), List.of()).get(0).chart();
    assertThrows(IllegalArgumentException.class, () -> SvgRenderer.svg(chart, 0, 900));
  }

  @Test
  void theParserRefusesADoctype() {
    // The parse above would otherwise accept a DOCTYPE that points at a DTD to download.
    String withDtd =
        "<?xml version=\"1.0\"?>\n<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\""
            + " \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n"
            + "<svg xmlns=\"http://www.w3.org/2000/svg\"/>";
    assertThrows(SAXParseException.class, () -> parse(withDtd));
  }

  private static String rgb(Color c) {
    return c.getRed() + "," + c.getGreen() + "," + c.getBlue();
  }

  /**
   * How many shapes of each colour the SVG draws inside the plot. JFreeChart clips what it draws in
   * the plot to the data area and everything else (titles, legend, colour scale) to the whole
   * chart, whose clip is the one the chart background (the first rectangle) carries.
   */
  private static Map<String, Integer> plotColours(Document d) {
    String chartClip = elements(d, "rect").get(0).getAttribute("clip-path");
    Map<String, Integer> counts = new HashMap<>();
    for (String tag : SHAPES) {
      for (Element e : elements(d, tag)) {
        if (e.getParentNode() instanceof Element p && "clipPath".equals(p.getLocalName())) {
          continue;
        }
        Element styled = e.hasAttribute("style") ? e : (Element) e.getParentNode();
        String clip =
            e.hasAttribute("clip-path")
                ? e.getAttribute("clip-path")
                : styled.getAttribute("clip-path");
        if (clip.isEmpty() || clip.equals(chartClip)) {
          continue;
        }
        Matcher m = RGB.matcher(styled.getAttribute("style"));
        while (m.find()) {
          counts.merge(m.group(1) + "," + m.group(2) + "," + m.group(3), 1, Integer::sum);
        }
      }
    }
    return counts;
  }
}
