/*
 * convene.h - the whole public API of libconvene.  Nothing else is API.
 */
#ifndef CONVENE_H
#define CONVENE_H

#define CONVENE_VERSION "0.1.0"

#include "convene/error.h"
#include "convene/civil.h"
#include "convene/tz.h"
#include "convene/avail.h"
#include "convene/course.h"
#include "convene/roster.h"
#include "convene/calin.h"
#include "convene/grid.h"
#include "convene/solve.h"
#include "convene/lp.h"
#include "convene/plan.h"
#include "convene/ics.h"
#include "convene/report.h"
#include "convene/publish.h"
#include "convene/itip.h"
#include "convene/store.h"
#include "convene/schedule.h"

#endif
