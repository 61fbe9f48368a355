/*
 * -o FILE: complete or absent for a regular file, written in place for a
 * node that is not one (a rename over /dev/null would replace the device).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "check.h"
#include "outfile.h"

static char dir[] = "/tmp/iotls-outfile-XXXXXX";

static int exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

static void regular_file_commit_and_abort(void)
{
    char path[256], got[16] = {0};
    iotls_cli_outfile o;
    FILE *f;

    snprintf(path, sizeof path, "%s/body.txt", dir);
    CHECK_INT(iotls_cli_outfile_open(&o, path, 0), 0);
    CHECK_INT(iotls_cli_outfile_write(&o, (const unsigned char *)"hello", 5), 0);
    CHECK(!exists(path)); /* nothing under the final name while writing */
    CHECK_INT(iotls_cli_outfile_commit(&o), 0);
    iotls_cli_outfile_abort(&o); /* safe after commit */
    f = fopen(path, "rb");
    CHECK(f != NULL);
    if (f) {
        CHECK_INT(fread(got, 1, sizeof got - 1, f), 5);
        fclose(f);
    }
    CHECK_STR(got, "hello");
    unlink(path);

    CHECK_INT(iotls_cli_outfile_open(&o, path, 0), 0);
    CHECK_INT(iotls_cli_outfile_write(&o, (const unsigned char *)"part", 4), 0);
    iotls_cli_outfile_abort(&o);
    CHECK(!exists(path)); /* a failed transfer leaves no file */
}

static void fifo_is_written_in_place(void)
{
    char path[256], got[16] = {0};
    iotls_cli_outfile o;
    struct stat st;
    int fd;

    snprintf(path, sizeof path, "%s/pipe", dir);
    CHECK_INT(mkfifo(path, 0600), 0);
    /* O_RDWR keeps a reader on the FIFO so the writer's open does not block. */
    fd = open(path, O_RDWR | O_NONBLOCK);
    CHECK(fd >= 0);
    CHECK_INT(iotls_cli_outfile_open(&o, path, 0), 0);
    CHECK_INT(iotls_cli_outfile_write(&o, (const unsigned char *)"body", 4), 0);
    CHECK_INT(iotls_cli_outfile_commit(&o), 0);
    CHECK_INT(stat(path, &st), 0);
    CHECK(S_ISFIFO(st.st_mode)); /* still the FIFO, not a regular file */
    CHECK_INT(read(fd, got, sizeof got - 1), 4);
    CHECK_STR(got, "body");
    close(fd);
    unlink(path);
}

static void directory_is_refused(void)
{
    iotls_cli_outfile o;
    CHECK_INT(iotls_cli_outfile_open(&o, dir, 0), -1);
    CHECK(o.err != 0);
}

int main(void)
{
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    regular_file_commit_and_abort();
    fifo_is_written_in_place();
    directory_is_refused();
    rmdir(dir);
    return CHECK_DONE();
}
