// SPDX-License-Identifier: GPL-2.0
/*
 * The event ring: the most recent operations, with their result and, for
 * a rejection, the reason a user can act on. Fixed size, so logging never
 * allocates and never fails; the oldest event is overwritten.
 */
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/lockdep.h>
#include <linux/seq_file.h>
#include <linux/stdarg.h>
#include <linux/string.h>

#include "hotplug_lab.h"

#define HPLAB_NR_EVENTS		256

/* Protected by hplab.lock, like everything else. */
static struct {
	u64 seq;			/* events logged since load */
	char text[HPLAB_NR_EVENTS][HPLAB_EVENT_LEN];
	char why[HPLAB_EVENT_LEN];	/* see hplab_reject_fmt() */
	char phases[HPLAB_EVENT_LEN];	/* see hplab_event_time() */
} hplab_events;

/**
 * hplab_reject_fmt() - reject with a reason that names what it is about
 * @why: set to the formatted reason
 * @err: the negative errno to return
 * @fmt: printf format of the reason
 *
 * There is one buffer: the reason is good until the next call, which is
 * long enough to log it, since both happen under hplab.lock.
 *
 * Return: @err.
 */
int hplab_reject_fmt(const char **why, int err, const char *fmt, ...)
{
	va_list args;

	lockdep_assert_held(&hplab.lock);
	va_start(args, fmt);
	vscnprintf(hplab_events.why, sizeof(hplab_events.why), fmt, args);
	va_end(args);
	*why = hplab_events.why;
	return err;
}

/**
 * hplab_event_time() - note how long one phase of the operation took
 * @phase: its name: add, online, offline or remove
 * @ns: nanoseconds
 *
 * The next event logged shows it as "<phase>_ns=<ns>" after its "ok" (a
 * failed operation shows none), so that a user sees where the time of an
 * add or a remove went.
 */
void hplab_event_time(const char *phase, u64 ns)
{
	size_t len = strlen(hplab_events.phases);

	lockdep_assert_held(&hplab.lock);
	scnprintf(hplab_events.phases + len, sizeof(hplab_events.phases) - len,
		  " %s_ns=%llu", phase, ns);
}

/**
 * hplab_events_logged() - how many events were logged since load
 *
 * Return: the count, which is the sequence number the next event gets.
 */
u64 hplab_events_logged(void)
{
	lockdep_assert_held(&hplab.lock);
	return hplab_events.seq;
}

/**
 * hplab_event_log() - record one operation
 * @op: the debugfs file written to
 * @args: what was written, without the trailing newline
 * @err: 0 or the negative errno returned to the writer
 * @why: the reason of a rejection, or NULL
 *
 * Return: the event's text in the ring, good while hplab.lock is held.
 */
const char *hplab_event_log(const char *op, const char *args, int err,
			    const char *why)
{
	char *text = hplab_events.text[hplab_events.seq % HPLAB_NR_EVENTS];
	char name[24];
	int len;

	lockdep_assert_held(&hplab.lock);
	len = scnprintf(text, HPLAB_EVENT_LEN, "%llu %s [%s] ",
			hplab_events.seq, op, args);
	if (!err) {
		scnprintf(text + len, HPLAB_EVENT_LEN - len, "ok%s",
			  hplab_events.phases);
	} else {
		/* %pe prints "-EBUSY"; the log shows the name alone. */
		scnprintf(name, sizeof(name), "%pe", ERR_PTR(err));
		scnprintf(text + len, HPLAB_EVENT_LEN - len, "%s: %s",
			  name + 1, why ? why : "no reason given");
	}
	hplab_events.phases[0] = '\0';
	hplab_events.seq++;
	return text;
}

/**
 * hplab_events_show() - print the ring, oldest event first
 * @m: seq_file to print to
 *
 * Return: 0.
 */
int hplab_events_show(struct seq_file *m)
{
	u64 seq = hplab_events.seq > HPLAB_NR_EVENTS ?
		  hplab_events.seq - HPLAB_NR_EVENTS : 0;

	lockdep_assert_held(&hplab.lock);
	for (; seq < hplab_events.seq; seq++)
		seq_printf(m, "%s\n", hplab_events.text[seq % HPLAB_NR_EVENTS]);
	return 0;
}
