/*
 * convene/itip.h - invitations by e-mail: RFC 5546 (iTIP) REQUEST and
 * CANCEL messages carried in RFC 6047 (iMIP) e-mail, for students who do
 * not subscribe to their calendar feed.
 *
 * The messages are built from the student's published calendar text (what
 * cv_ics_student() writes) and the previously published text of the same
 * student: events new or changed since then are sent in one REQUEST, events
 * gone since then in one CANCEL.  Each message is a complete .eml (RFC 5322
 * headers, CRLF line ends) that a cron job can pipe to sendmail.
 */
#ifndef CONVENE_ITIP_H
#define CONVENE_ITIP_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"
#include "roster.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Longest calendar text, e-mail address and display name accepted (bytes). */
#define CV_ITIP_CALENDAR_MAX ((size_t)64 << 20)
#define CV_ITIP_EMAIL_MAX 254 /* RFC 5321's limit on a forward path, less the brackets */
#define CV_ITIP_NAME_MAX 1024

/* Who the messages go to.  Both strings are borrowed. */
typedef struct cv_itip_recipient {
	const char *name;  /* UTF-8 display name; NULL or "" for none */
	const char *email; /* must pass cv_itip_email_valid() */
} cv_itip_recipient;

/*
 * The highest SEQUENCE ever sent for each UID, kept between runs
 * (DIR/itip/sequences.tsv), so that an event cancelled and later back is
 * sent above its CANCEL: clients ignore a REQUEST whose SEQUENCE is not
 * higher than the one they hold, and the published calendar that a
 * returning event is compared with no longer has it.
 */
typedef struct cv_itip_ledger cv_itip_ledger;

typedef struct cv_itip_options {
	int64_t date;           /* UTC instant of the Date: header and of DTSTAMPs
				 * (SOURCE_DATE_EPOCH or now) */
	const char *title;      /* the course title: Subject and From display name; borrowed */
	const char *uid_domain; /* From: noreply@<uid_domain> (the ORGANIZER the
				 * published calendars name) and Message-IDs; borrowed;
				 * NULL or "" means CV_COURSE_UID_DOMAIN_DEFAULT */
	cv_itip_ledger *ledger; /* NULL, or the ledger (borrowed, updated): every event
				 * sent goes above what it records, and what is sent is
				 * recorded */
} cv_itip_options;

/* The messages for one student.  Each text is NULL when there is nothing to send. */
typedef struct cv_itip_mail {
	char *request;          /* METHOD:REQUEST .eml, malloc'd, NUL-terminated */
	size_t request_len;
	size_t request_events;  /* VEVENTs in it */
	size_t request_changed; /* of those, events the previous calendar had */
	char *cancel;           /* METHOD:CANCEL .eml, malloc'd, NUL-terminated */
	size_t cancel_len;
	size_t cancel_events;
} cv_itip_mail;

/*
 * 1 if `email` is usable as an address: 1..CV_ITIP_EMAIL_MAX bytes of
 * printable ASCII with exactly one '@' that is neither first nor last, and
 * none of the bytes that would change the meaning of a header or of a
 * mailto: URI (space, control bytes, and " ( ) , : ; < > [ \ ]).  A
 * minimal check: it does not prove the address exists.  0 otherwise.
 */
int cv_itip_email_valid(const char *email);

/*
 * Build the messages for one student into *out.  `current` (current_len
 * bytes) is the student's calendar as published now, or NULL when the
 * student has left the roster: then every event of `previous` is
 * cancelled.  `previous` (previous_len bytes) is the calendar published
 * before, or NULL on the first publish: then every current event is new.
 *
 * REQUEST: the current events whose UID the previous calendar lacks or whose
 * content differs (every property but DTSTAMP, SEQUENCE, LAST-MODIFIED and
 * CREATED, and the VTIMEZONEs the event names), each with an ORGANIZER (the
 * published one, else noreply@<uid_domain>) and exactly one ATTENDEE for the
 * recipient, its SEQUENCE raised above the previous one when the published
 * calendar did not raise it, DTSTAMP the options' date, and the VTIMEZONEs
 * the events name.  CANCEL: the previous events whose UID is gone, with
 * STATUS:CANCELLED, SEQUENCE one higher than the previous one and no
 * VALARM.  With a ledger in the options, an event the previous calendar
 * lacks (one coming back after a CANCEL) and every cancelled event also go
 * at least one above the ledger's SEQUENCE for their UID, and each event
 * sent with a SEQUENCE above 0 is noted in the ledger (0 needs no note:
 * anything sent later is at least 0 + 1).  Events are compared by UID (RECURRENCE-ID overrides are not
 * told apart).
 *
 * Returns 0 with *out filled (both texts may be NULL: nothing to send;
 * caller frees with cv_itip_mail_clear()).  Returns CV_EDATA, with the
 * reason in `errs` (may be NULL), when the recipient's address is not
 * valid, the name is not UTF-8 or holds control characters (no header
 * injection), the uid-domain is not usable in an address, or a calendar text
 * is not one VCALENDAR or longer than CV_ITIP_CALENDAR_MAX; CV_ENOMEM.
 * *out is untouched on failure.
 */
int cv_itip_build(cv_itip_mail *out, const cv_itip_recipient *to, const char *current,
		  size_t current_len, const char *previous, size_t previous_len,
		  const cv_itip_options *options, cv_errors *errs);

/* Free the texts of *mail and zero it; NULL is a no-op. */
void cv_itip_mail_clear(cv_itip_mail *mail);

/*
 * The recipients list published beside the messages, so that a later run
 * can still address a student who has left the roster: one line per roster
 * student with a valid address, "id<TAB>name<TAB>email<LF>", after a
 * comment line starting with '#'; tabs and line breaks in names become
 * spaces.  Returns 0 with *out a malloc'd NUL-terminated text of *len bytes
 * (caller frees with free()), or CV_ENOMEM.
 */
int cv_itip_recipients_format(char **out, size_t *len, const cv_roster *roster);

/*
 * Find student `id` in a recipients list written by
 * cv_itip_recipients_format() (`len` bytes, at most CV_ITIP_CALENDAR_MAX).
 * Returns 0 with *name and *email malloc'd (caller frees both with free()),
 * CV_ENOINPUT when the list has no such line with a valid address, or
 * CV_ENOMEM.
 */
int cv_itip_recipients_find(char **name, char **email, const char *text, size_t len,
			    const char *id);

/*
 * A ledger read from `text` (`len` bytes, as written by
 * cv_itip_ledger_format(): a '#' comment line, then "uid<TAB>sequence<LF>"
 * lines); text NULL gives an empty ledger.  Malformed lines are skipped:
 * losing one costs a client's update, refusing the file every later one.
 * Returns 0 with *out set (caller frees with cv_itip_ledger_free()),
 * CV_EDATA when longer than CV_ITIP_CALENDAR_MAX, or CV_ENOMEM.
 */
int cv_itip_ledger_new(cv_itip_ledger **out, const char *text, size_t len);
void cv_itip_ledger_free(cv_itip_ledger *ledger);

/*
 * The lowest SEQUENCE a new or changed event with `uid` may be given: one
 * above the ledger's, 0 when it has none.  `ledger` is a cv_itip_ledger *;
 * the signature is that of cv_ics_options.sequence_floor, so it returns
 * the number itself (it cannot fail).
 */
int cv_itip_ledger_next(void *ledger, const char *uid);

/*
 * The ledger as text, lines sorted by UID so that an unchanged ledger is
 * written byte for byte the same.  Returns 0 with *out a malloc'd
 * NUL-terminated text of *len bytes (caller frees with free()), or CV_ENOMEM.
 */
int cv_itip_ledger_format(char **out, size_t *len, const cv_itip_ledger *ledger);

#ifdef __cplusplus
}
#endif
#endif
