/*
 * ozk/version.h: the version of this build.
 */
#ifndef OZK_VERSION_H
#define OZK_VERSION_H

/* The release version, "MAJOR.MINOR.PATCH". Static string. */
const char *ozk_version(void);

/* A one-line description of the build: version, compiler, and the field kernel in use.
 * Static string. */
const char *ozk_build_info(void);

#endif
