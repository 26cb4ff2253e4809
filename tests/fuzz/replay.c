/*
 * replay.c: runs a fuzz target over committed corpus files, so every build
 * replays the corpus as a test even without clang's -fsanitize=fuzzer.
 * Usage: fuzz_X DIR|FILE...  Exit 0 when every input ran (a crash aborts).
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
  FILE *f = fopen(path, "rb");
  if (f == NULL)
  {
    perror(path);
    return 1;
  }
  uint8_t *buf = malloc(1 << 20);
  size_t n = buf ? fread(buf, 1, 1 << 20, f) : 0;
  fclose(f);
  if (buf == NULL)
    return 1;
  /* an exact-size copy, so a read past the end is caught by ASan */
  uint8_t *exact = malloc(n ? n : 1);
  if (exact == NULL)
  {
    free(buf);
    return 1;
  }
  memcpy(exact, buf, n);
  free(buf);
  LLVMFuzzerTestOneInput(exact, n);
  free(exact);
  return 0;
}

int main(int argc, char **argv)
{
  int files = 0, failed = 0;
  for (int i = 1; i < argc; i++)
  {
    struct stat st;
    if (stat(argv[i], &st) != 0)
    {
      perror(argv[i]);
      return 1;
    }
    if (!S_ISDIR(st.st_mode))
    {
      failed |= run_file(argv[i]);
      files++;
      continue;
    }
    DIR *d = opendir(argv[i]);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL)
    {
      if (e->d_name[0] == '.')
        continue;
      char path[4096];
      snprintf(path, sizeof(path), "%s/%s", argv[i], e->d_name);
      failed |= run_file(path);
      files++;
    }
    if (d)
      closedir(d);
  }
  printf("%d passed, %d failed\n", failed ? files - 1 : files, failed ? 1 : 0);
  return files > 0 && !failed ? 0 : 1;
}
