/*
 * reaper.c - signals and child reaping.
 *
 * SIGCHLD and the signals an init gets (TERM, INT from Ctrl-Alt-Del, HUP,
 * PWR, USR1/2) are blocked and read from a signalfd in the event loop, so no
 * handler ever interrupts the agent. As PID 1 every orphan in the VM is
 * reparented to the agent: waitpid(-1) reaps them all; the ones the agent
 * started are handed to spawn.c, the rest are just collected. As init the
 * termination signals are logged and ignored (the host ends the VM with
 * SHUTDOWN); in host-test mode SIGTERM/SIGINT end the agent.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent.h"
#include "log.h"

static struct evsrc sig_src = {.fd = -1};

void reaper_reap(void)
{
	int st;
	pid_t pid;
	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		struct proc *p = proc_by_pid(pid);
		if (p)
			proc_on_reaped(p, st);
		else
			log_dbg("reaped pid %d (not a process of the host's)", (int)pid);
	}
}

static void sig_event(struct evsrc *src, uint32_t ev)
{
	(void)ev;
	struct signalfd_siginfo si;
	while (read(src->fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGCHLD)
			continue;
		if (!A.pid1 && (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT)) {
			log_info("signal %u: exiting", si.ssi_signo);
			for (struct proc *p = A.procs; p; p = p->next)
				if (!p->dead && !p->reaped)
					kill(p->pid, SIGKILL);
			agent_exit_or_reboot();
		}
		log_info("signal %u from pid %u ignored", si.ssi_signo, si.ssi_pid);
	}
	reaper_reap();
}

int reaper_init(void)
{
	sigset_t set;
	sigemptyset(&set);
	int sigs[] = {SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGPWR, SIGUSR1, SIGUSR2};
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&set, sigs[i]);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	signal(SIGPIPE, SIG_IGN); /* a closed pipe or socket is an EPIPE, not a death */
	sig_src.fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (sig_src.fd < 0)
		return -1;
	sig_src.fn = sig_event;
	loop_set(&sig_src, EPOLLIN);
	return 0;
}
