package dev.depthscope.reports.chart;

import org.jfree.chart.JFreeChart;

/**
 * One chart of a report: what it is called, how to read it, and the JFreeChart that draws it.
 *
 * @param file PNG file name, e.g. {@code variance.png}
 * @param title heading shown above the image in HTML (also its alt text)
 * @param caption one or two sentences on how to read the chart
 * @param chart the chart, styled and ready to render
 */
public record Chart(String file, String title, String caption, JFreeChart chart) {}
