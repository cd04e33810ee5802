/*
 * report_heatmap.c - the home week as an SVG heatmap, for the instructor:
 * how many students a session starting at each candidate time would have
 * live, week by week, and where the chosen sessions are.  One self-contained
 * SVG (no script, no external style), readable in any browser.
 */
#include <stdlib.h>
#include <string.h>

#include "convene/report.h"
#include "sbuf_int.h"

#define CELL_W 96     /* one day's column */
#define DAY_PX 576    /* a day's height: 24 h, so 24 px an hour */
#define LEFT 48       /* the hour labels */
#define TOP 40        /* the day labels */
#define LEGEND 64     /* below the grid */

/* XML text: the five characters that are markup escaped (names come from
 * validated UTF-8 input without control characters). */
static void xml_text(sbuf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': Cv_sb_str(b, "&amp;"); break;
		case '<': Cv_sb_str(b, "&lt;"); break;
		case '>': Cv_sb_str(b, "&gt;"); break;
		case '"': Cv_sb_str(b, "&quot;"); break;
		case '\'': Cv_sb_str(b, "&apos;"); break;
		default: Cv_sb_add(b, s, 1);
		}
	}
}

/* White to dark blue as v goes from 0 to 1. */
static void colour(char out[8], double v)
{
	static const unsigned lo[3] = {0xF7, 0xFB, 0xFF}, hi[3] = {0x08, 0x30, 0x6B};
	unsigned c[3], i;

	if (v < 0)
		v = 0;
	if (v > 1)
		v = 1;
	for (i = 0; i < 3; i++)
		c[i] = (unsigned)(lo[i] + (hi[i] - (double)lo[i]) * v + 0.5);
	snprintf(out, 8, "#%02X%02X%02X", c[0], c[1], c[2]);
}

/* Per candidate, the weighted student-occurrences live and the weighted
 * students reached if it were the only session: one pass over the groups'
 * rows (each attend[] and reach[] has room for every candidate, zeroed). */
static void candidate_values(uint64_t *attendance, uint64_t *reach, const cv_grid *g)
{
	size_t n = cv_grid_candidates(g), k, c;

	for (k = 0; k < cv_grid_groups(g); k++) {
		const uint8_t *row = cv_grid_attend_row(g, k);
		uint64_t w = cv_grid_group_weight(g, k);
		for (c = 0; c < n; c++) {
			attendance[c] += w * row[c];
			reach[c] += row[c] ? w : 0;
		}
	}
}

int cv_report_heatmap(FILE *f, const cv_plan *p, const cv_grid *g)
{
	const cv_course *c = p->course;
	size_t n = cv_grid_candidates(g), i;
	double *per_week = malloc(sizeof(double) * (n + 1)), max = 0;
	uint64_t *att = calloc(n + 1, sizeof(uint64_t)), *reach = calloc(n + 1, sizeof(uint64_t));
	double px = (double)DAY_PX / CV_DAY_MINUTES;
	unsigned width = LEFT + 7 * CELL_W + 8, height = TOP + DAY_PX + LEGEND, h, d;
	sbuf b = {NULL, 0, 0, 0};
	int rc = CV_OK;

	if (!per_week || !att || !reach) {
		free(per_week);
		free(att);
		free(reach);
		return CV_ENOMEM;
	}
	candidate_values(att, reach, g);
	for (i = 0; i < n; i++) {
		unsigned occ = cv_grid_occurrence_count(g, i);
		per_week[i] = occ ? (double)att[i] / occ : 0;
		if (per_week[i] > max)
			max = per_week[i];
	}

	Cv_sb_printf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			 "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%u\" height=\"%u\" "
			 "viewBox=\"0 0 %u %u\" font-family=\"sans-serif\" font-size=\"11\">\n",
		     width, height, width, height);
	Cv_sb_str(&b, "<title>");
	xml_text(&b, c->title);
	Cv_sb_str(&b, ": live students a week by session start (");
	xml_text(&b, cv_zone_name(c->zone));
	Cv_sb_str(&b, ")</title>\n");
	Cv_sb_printf(&b, "<rect x=\"%u\" y=\"%u\" width=\"%u\" height=\"%u\" fill=\"#E5E5E5\"/>\n",
		     LEFT, TOP, 7 * CELL_W, DAY_PX);
	for (d = 0; d < 7; d++)
		Cv_sb_printf(&b, "<text x=\"%u\" y=\"%u\" text-anchor=\"middle\">%s</text>\n",
			     LEFT + d * CELL_W + CELL_W / 2, TOP - 8, cv_weekday_name(d));
	for (h = 0; h <= 24; h += 2)
		Cv_sb_printf(&b, "<text x=\"%u\" y=\"%.1f\" text-anchor=\"end\">%02u:00</text>\n",
			     LEFT - 6, TOP + h * CV_HOUR_MINUTES * px + 4, h);

	/* One cell per candidate start, as tall as the grid step; its title
	 * says what a session starting there would have. */
	for (i = 0; i < n; i++) {
		unsigned m = cv_grid_week_minute(g, i);
		unsigned day = m / CV_DAY_MINUTES, min = m % CV_DAY_MINUTES;
		char fill[8];
		colour(fill, max > 0 ? per_week[i] / max : 0);
		Cv_sb_printf(&b, "<rect class=\"candidate\" x=\"%u\" y=\"%.2f\" width=\"%u\" "
				 "height=\"%.2f\" fill=\"%s\"><title>%s %02u:%02u: %.1f students a "
				 "week live, %llu at least once</title></rect>\n",
			     LEFT + day * CELL_W, TOP + min * px, CELL_W, c->granularity * px, fill,
			     cv_weekday_name(day), min / CV_HOUR_MINUTES, min % CV_HOUR_MINUTES,
			     per_week[i], (unsigned long long)reach[i]);
	}
	/* The chosen sessions, outlined over their whole length (a session
	 * that runs past midnight is drawn to the day's end). */
	for (i = 0; i < p->nsessions; i++) {
		const cv_session *s = &p->sessions[i];
		unsigned end = s->slot.start + s->duration > CV_DAY_MINUTES ? CV_DAY_MINUTES
									   : s->slot.start + s->duration;
		Cv_sb_printf(&b, "<rect class=\"chosen\" x=\"%u\" y=\"%.2f\" width=\"%u\" height=\"%.2f\" "
				 "fill=\"none\" stroke=\"#D7301F\" stroke-width=\"3\"><title>%s %u: %s "
				 "%02u:%02u, %zu students</title></rect>\n",
			     LEFT + s->slot.weekday * CELL_W + 1, TOP + s->slot.start * px,
			     CELL_W - 2, (end - s->slot.start) * px,
			     c->mode == CV_MODE_SERIES ? "Session" : c->mode == CV_MODE_ROTATION ? "Time" : "Section", s->index,
			     cv_weekday_name(s->slot.weekday), s->slot.start / CV_HOUR_MINUTES,
			     s->slot.start % CV_HOUR_MINUTES, s->nstudents);
	}
	/* legend */
	for (i = 0; i <= 10; i++) {
		char fill[8];
		colour(fill, i / 10.0);
		Cv_sb_printf(&b, "<rect x=\"%zu\" y=\"%u\" width=\"24\" height=\"12\" fill=\"%s\"/>\n",
			     LEFT + i * 24, TOP + DAY_PX + 16, fill);
	}
	Cv_sb_printf(&b, "<text x=\"%u\" y=\"%u\">0 to %.1f students a week live if a session "
			 "started there</text>\n", LEFT + 11 * 24 + 8, TOP + DAY_PX + 26, max);
	Cv_sb_printf(&b, "<text x=\"%u\" y=\"%u\">grey: no session can start there; red: the "
			 "plan's sessions</text>\n", LEFT, TOP + DAY_PX + 46);
	Cv_sb_str(&b, "</svg>\n");

	if (b.oom)
		rc = CV_ENOMEM;
	else if (fwrite(b.p, 1, b.len, f) != b.len)
		rc = CV_EIO;
	free(b.p);
	free(per_week);
	free(att);
	free(reach);
	return rc;
}
