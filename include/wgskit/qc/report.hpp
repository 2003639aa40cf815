// The QC report: one self-contained HTML page (no external URLs, no script) with a summary table and line plots
// drawn as inline SVG with axes, ticks and labels; and the same figures as MultiQC custom content
// (https://docs.seqera.io/multiqc/custom_content: a JSON list of sections with id, section_name, plot_type
// 'table' / 'linegraph', pconfig and data).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace wgskit::qc
{

struct plot_series
{
    std::string name;
    std::vector<std::pair<double, double>> points; //!< (x, y), x ascending
};

struct line_plot
{
    std::string id; //!< also the SVG element's id
    std::string title, x_label, y_label;
    std::vector<plot_series> series;
    bool log_y = false;
};

namespace detail
{
inline std::string html_escape(std::string_view s)
{
    std::string out;
    for (char c : s)
        switch (c)
        {
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '&': out += "&amp;"; break;
        case '"': out += "&quot;"; break;
        default: out += c;
        }
    return out;
}

inline std::string number(double v, int precision = 4)
{
    char b[64];
    if (v == std::floor(v) && std::abs(v) < 1e15)
        std::snprintf(b, sizeof b, "%.0f", v);
    else
        std::snprintf(b, sizeof b, "%.*g", precision, v);
    return b;
}

//! About five round tick values covering [lo, hi].
inline std::vector<double> ticks(double lo, double hi)
{
    if (!(hi > lo))
        hi = lo + 1;
    double const raw = (hi - lo) / 5;
    double const mag = std::pow(10.0, std::floor(std::log10(raw)));
    double step = mag;
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (m * mag >= raw)
        {
            step = m * mag;
            break;
        }
    std::vector<double> t;
    for (double v = std::ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
        t.push_back(std::abs(v) < step * 1e-9 ? 0.0 : v);
    return t;
}

inline constexpr char const * palette[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"};
} // namespace detail

//! The plot as an <svg> element (fixed 640 x 360 viewBox, scales with the page).
inline std::string render_svg(line_plot const & p)
{
    double const W = 640, H = 360, left = 70, right = 20, top = 36, bottom = 52;
    double x0 = 1e300, x1 = -1e300, y0 = p.log_y ? 1e300 : 0.0, y1 = -1e300;
    for (auto const & s : p.series)
        for (auto [x, y] : s.points)
        {
            x0 = std::min(x0, x), x1 = std::max(x1, x);
            if (p.log_y && y > 0)
                y0 = std::min(y0, std::log10(y)), y1 = std::max(y1, std::log10(y));
            else if (!p.log_y)
                y1 = std::max(y1, y);
        }
    bool const empty = x0 > x1;
    if (empty)
        x0 = 0, x1 = 1, y0 = 0, y1 = 1;
    if (p.log_y && y0 > y1)
        y0 = 0, y1 = 1;
    if (p.log_y)
        y0 = std::floor(y0), y1 = std::ceil(y1);
    if (!(x1 > x0))
        x1 = x0 + 1;
    if (!(y1 > y0))
        y1 = y0 + 1;
    auto sx = [&](double x) { return left + (x - x0) / (x1 - x0) * (W - left - right); };
    auto sy = [&](double y) { return H - bottom - (y - y0) / (y1 - y0) * (H - top - bottom); };
    using detail::number;
    std::string s = "<svg id=\"" + p.id + "\" class=\"plot\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " +
                    number(W) + " " + number(H) + "\" role=\"img\" aria-label=\"" + detail::html_escape(p.title) + "\">\n";
    s += "<rect x=\"0\" y=\"0\" width=\"" + number(W) + "\" height=\"" + number(H) + "\" fill=\"#ffffff\"/>\n";
    s += "<text x=\"" + number(W / 2) + "\" y=\"22\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">" +
         detail::html_escape(p.title) + "</text>\n";
    // Axes, ticks, grid.
    s += "<g font-size=\"11\" fill=\"#333\" stroke=\"none\">\n";
    for (double t : detail::ticks(x0, x1))
    {
        double const x = sx(t);
        s += "<line x1=\"" + number(x) + "\" y1=\"" + number(H - bottom) + "\" x2=\"" + number(x) + "\" y2=\"" +
             number(H - bottom + 5) + "\" stroke=\"#333\"/>";
        s += "<text x=\"" + number(x) + "\" y=\"" + number(H - bottom + 18) + "\" text-anchor=\"middle\">" + number(t) +
             "</text>\n";
    }
    for (double t : detail::ticks(y0, y1))
    {
        double const y = sy(t);
        s += "<line x1=\"" + number(left) + "\" y1=\"" + number(y) + "\" x2=\"" + number(W - right) + "\" y2=\"" +
             number(y) + "\" stroke=\"#e5e5e5\"/>";
        std::string const label = p.log_y ? (t == std::floor(t) ? "1e" + number(t) : "") : number(t);
        s += "<text x=\"" + number(left - 6) + "\" y=\"" + number(y + 4) + "\" text-anchor=\"end\">" + label + "</text>\n";
    }
    s += "</g>\n";
    s += "<line x1=\"" + number(left) + "\" y1=\"" + number(H - bottom) + "\" x2=\"" + number(W - right) + "\" y2=\"" +
         number(H - bottom) + "\" stroke=\"#000\"/>\n";
    s += "<line x1=\"" + number(left) + "\" y1=\"" + number(top) + "\" x2=\"" + number(left) + "\" y2=\"" +
         number(H - bottom) + "\" stroke=\"#000\"/>\n";
    s += "<text x=\"" + number((left + W - right) / 2) + "\" y=\"" + number(H - 12) +
         "\" text-anchor=\"middle\" font-size=\"12\">" + detail::html_escape(p.x_label) + "</text>\n";
    s += "<text x=\"16\" y=\"" + number((top + H - bottom) / 2) + "\" text-anchor=\"middle\" font-size=\"12\" transform=\"rotate(-90 16 " +
         number((top + H - bottom) / 2) + ")\">" + detail::html_escape(p.y_label + (p.log_y ? " (log10)" : "")) + "</text>\n";
    if (empty)
        s += "<text x=\"" + number(W / 2) + "\" y=\"" + number(H / 2) + "\" text-anchor=\"middle\" fill=\"#888\">no data</text>\n";
    for (std::size_t k = 0; k < p.series.size(); ++k)
    {
        auto const & ser = p.series[k];
        std::string const colour = detail::palette[k % std::size(detail::palette)];
        std::string pts;
        for (auto [x, y] : ser.points)
        {
            if (p.log_y && y <= 0)
                continue;
            pts += number(sx(x), 6) + "," + number(sy(p.log_y ? std::log10(y) : y), 6) + " ";
        }
        s += "<polyline fill=\"none\" stroke=\"" + colour + "\" stroke-width=\"1.8\" points=\"" + pts + "\"/>\n";
        double const ly = top + 6 + 16.0 * static_cast<double>(k);
        s += "<line x1=\"" + number(W - right - 150) + "\" y1=\"" + number(ly) + "\" x2=\"" + number(W - right - 130) +
             "\" y2=\"" + number(ly) + "\" stroke=\"" + colour + "\" stroke-width=\"3\"/>";
        s += "<text x=\"" + number(W - right - 125) + "\" y=\"" + number(ly + 4) + "\" font-size=\"11\">" +
             detail::html_escape(ser.name) + "</text>\n";
    }
    s += "</svg>\n";
    return s;
}

//! A row of the summary table.
struct summary_row
{
    std::string name, value;
};

//! The whole page.
inline std::string render_html_report(std::string const & title, std::vector<summary_row> const & summary,
                                      std::vector<line_plot> const & plots, std::string const & footer)
{
    std::string h = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" +
                    detail::html_escape(title) + "</title>\n<style>\n"
                    "body{font-family:sans-serif;margin:2em;color:#222;background:#fff}\n"
                    "table{border-collapse:collapse;margin-bottom:2em}\n"
                    "td,th{border:1px solid #ccc;padding:4px 10px;text-align:left}\n"
                    "th{background:#f0f0f0}\n"
                    ".plots{display:flex;flex-wrap:wrap;gap:16px}\n"
                    ".plots figure{margin:0;width:640px;max-width:100%;border:1px solid #ddd}\n"
                    "svg.plot{width:100%;height:auto;display:block}\n"
                    "footer{margin-top:2em;font-size:small;color:#666}\n"
                    "</style>\n</head>\n<body>\n<h1>" +
                    detail::html_escape(title) + "</h1>\n<h2>Summary</h2>\n<table id=\"summary\">\n"
                    "<tr><th>Metric</th><th>Value</th></tr>\n";
    for (auto const & r : summary)
        h += "<tr><td>" + detail::html_escape(r.name) + "</td><td>" + detail::html_escape(r.value) + "</td></tr>\n";
    h += "</table>\n<h2>Plots</h2>\n<div class=\"plots\">\n";
    for (auto const & p : plots)
        h += "<figure>\n" + render_svg(p) + "</figure>\n";
    h += "</div>\n<footer>" + detail::html_escape(footer) + "</footer>\n</body>\n</html>\n";
    return h;
}

//! MultiQC custom content: a general-statistics-like table of the summary values for the sample and one
//! linegraph per plot.
inline nlohmann::ordered_json multiqc_custom_content(std::string const & sample, nlohmann::ordered_json const & table,
                                                     std::vector<line_plot> const & plots)
{
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    nlohmann::ordered_json t;
    t["id"] = "wgskit_summary";
    t["section_name"] = "wgskit summary";
    t["description"] = "wgskit wgs: reads, mapping, duplicates, coverage and variants";
    t["plot_type"] = "table";
    t["pconfig"] = {{"id", "wgskit_summary_table"}, {"title", "wgskit summary"}};
    t["data"][sample] = table;
    out.push_back(t);
    for (auto const & p : plots)
    {
        nlohmann::ordered_json g;
        g["id"] = "wgskit_" + p.id;
        g["section_name"] = p.title;
        g["plot_type"] = "linegraph";
        g["pconfig"] = {{"id", "wgskit_" + p.id + "_plot"}, {"title", p.title}, {"xlab", p.x_label},
                        {"ylab", p.y_label}, {"logswitch", p.log_y}};
        for (auto const & s : p.series)
        {
            nlohmann::ordered_json pts = nlohmann::ordered_json::object();
            for (auto [x, y] : s.points)
                pts[detail::number(x, 10)] = y;
            g["data"][p.series.size() == 1 ? sample : sample + " " + s.name] = pts;
        }
        out.push_back(g);
    }
    return out;
}

} // namespace wgskit::qc
