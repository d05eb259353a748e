/*
 * cli_prompt.c - line input with the terminal echo off for secrets (see
 * cli_prompt.h). Reads stdin one byte at a time so that nothing beyond the
 * line is consumed: the next prompt reads the next piped line.
 */
#include "cli/cli_prompt.h"
#include "util/err.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/*
 * The one mutable global of the CLI: which signal arrived while the echo was
 * off. A signal handler can only talk to the code it interrupts this way.
 */
static volatile sig_atomic_t caught_signal;

static const int prompt_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
#define PROMPT_NSIGNALS (sizeof prompt_signals / sizeof prompt_signals[0])

static void on_signal(int sig)
{
	caught_signal = sig;
}

static int read_line(char *out, size_t cap)
{
	size_t n = 0;
	int too_big = 0;
	for (;;) {
		char ch;
		ssize_t r = read(STDIN_FILENO, &ch, 1);
		if (r < 0 && errno == EINTR) {
			if (caught_signal)
				return PP_EIO;
			continue;
		}
		if (r < 0)
			return PP_EIO;
		if (r == 0) {
			if (n == 0 && !too_big)
				return PP_ENOTFOUND;
			break;
		}
		if (ch == '\n')
			break;
		if (n + 1 >= cap) {
			too_big = 1; /* read on to the end of the line, keep nothing more */
			continue;
		}
		out[n++] = ch;
	}
	if (n > 0 && out[n - 1] == '\r')
		n--;
	out[n] = 0;
	return too_big ? PP_ETOOBIG : 0;
}

int cli_prompt_line(const char *prompt, int echo, char *out, size_t cap)
{
	struct termios saved_tio, quiet;
	struct sigaction sa, saved_sa[PROMPT_NSIGNALS];
	int tty = isatty(STDIN_FILENO), quiet_on = 0, rc;
	size_t i;

	if (cap == 0)
		return PP_ETOOBIG;
	out[0] = 0;
	if (tty && !echo && tcgetattr(STDIN_FILENO, &saved_tio) == 0) {
		caught_signal = 0;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_signal; /* no SA_RESTART: read() returns EINTR */
		sigemptyset(&sa.sa_mask);
		for (i = 0; i < PROMPT_NSIGNALS; i++) {
			sigaction(prompt_signals[i], &sa, &saved_sa[i]);
			if (saved_sa[i].sa_handler == SIG_IGN) /* keep what was ignored ignored */
				sigaction(prompt_signals[i], &saved_sa[i], NULL);
		}
		quiet = saved_tio;
		quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
		quiet_on = 1;
	}
	/* the prompt only once the echo is off: TCSAFLUSH drops what was typed before
	 * it, so a prompt shown earlier could let an answer typed at once be lost */
	if (tty) {
		fputs(prompt, stderr);
		fflush(stderr);
	}
	rc = read_line(out, cap);
	if (quiet_on) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tio);
		for (i = 0; i < PROMPT_NSIGNALS; i++)
			sigaction(prompt_signals[i], &saved_sa[i], NULL);
		fputc('\n', stderr);
		if (caught_signal)
			raise(caught_signal);
	}
	return rc;
}
