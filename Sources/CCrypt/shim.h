// crypt(3) from libxcrypt (Debian: libcrypt-dev): verifies the hashed passwords of `userlist` sections.
#include <crypt.h>
