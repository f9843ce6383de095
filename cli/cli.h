/*
 * cli/cli.h: the subcommands of the `ozk` binary.
 *
 * Each subcommand is `int cmd_NAME(int argc, char **argv)` with argv[0] the subcommand's name.
 * It returns the process exit status: 0 success, 1 failure (the reason printed on stderr), 2 a
 * command line it could not understand (usage printed on stderr).
 */
#ifndef OZK_CLI_H
#define OZK_CLI_H

enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2 };

int cmd_keccak(int argc, char **argv);

#endif
