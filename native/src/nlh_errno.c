// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stddef.h>

#include "nlh_errno.h"

struct nlh_errno_entry {
	int number;
	const char *name;
};

#define NLH_ERRNO(name) { name, #name }

/* EWOULDBLOCK and ENOTSUP are aliases (of EAGAIN and EOPNOTSUPP) on Linux, so they are not listed. */
static const struct nlh_errno_entry nlh_errno_table[] = {
#ifdef EPERM
	NLH_ERRNO(EPERM),
#endif
#ifdef ENOENT
	NLH_ERRNO(ENOENT),
#endif
#ifdef ESRCH
	NLH_ERRNO(ESRCH),
#endif
#ifdef EINTR
	NLH_ERRNO(EINTR),
#endif
#ifdef EIO
	NLH_ERRNO(EIO),
#endif
#ifdef ENXIO
	NLH_ERRNO(ENXIO),
#endif
#ifdef E2BIG
	NLH_ERRNO(E2BIG),
#endif
#ifdef ENOEXEC
	NLH_ERRNO(ENOEXEC),
#endif
#ifdef EBADF
	NLH_ERRNO(EBADF),
#endif
#ifdef ECHILD
	NLH_ERRNO(ECHILD),
#endif
#ifdef EAGAIN
	NLH_ERRNO(EAGAIN),
#endif
#ifdef ENOMEM
	NLH_ERRNO(ENOMEM),
#endif
#ifdef EACCES
	NLH_ERRNO(EACCES),
#endif
#ifdef EFAULT
	NLH_ERRNO(EFAULT),
#endif
#ifdef EBUSY
	NLH_ERRNO(EBUSY),
#endif
#ifdef EEXIST
	NLH_ERRNO(EEXIST),
#endif
#ifdef EXDEV
	NLH_ERRNO(EXDEV),
#endif
#ifdef ENODEV
	NLH_ERRNO(ENODEV),
#endif
#ifdef ENOTDIR
	NLH_ERRNO(ENOTDIR),
#endif
#ifdef EISDIR
	NLH_ERRNO(EISDIR),
#endif
#ifdef EINVAL
	NLH_ERRNO(EINVAL),
#endif
#ifdef ENFILE
	NLH_ERRNO(ENFILE),
#endif
#ifdef EMFILE
	NLH_ERRNO(EMFILE),
#endif
#ifdef ENOTTY
	NLH_ERRNO(ENOTTY),
#endif
#ifdef EFBIG
	NLH_ERRNO(EFBIG),
#endif
#ifdef ENOSPC
	NLH_ERRNO(ENOSPC),
#endif
#ifdef ESPIPE
	NLH_ERRNO(ESPIPE),
#endif
#ifdef EROFS
	NLH_ERRNO(EROFS),
#endif
#ifdef EMLINK
	NLH_ERRNO(EMLINK),
#endif
#ifdef EPIPE
	NLH_ERRNO(EPIPE),
#endif
#ifdef EDOM
	NLH_ERRNO(EDOM),
#endif
#ifdef ERANGE
	NLH_ERRNO(ERANGE),
#endif
#ifdef EDEADLK
	NLH_ERRNO(EDEADLK),
#endif
#ifdef ENAMETOOLONG
	NLH_ERRNO(ENAMETOOLONG),
#endif
#ifdef ENOLCK
	NLH_ERRNO(ENOLCK),
#endif
#ifdef ENOSYS
	NLH_ERRNO(ENOSYS),
#endif
#ifdef ENOTEMPTY
	NLH_ERRNO(ENOTEMPTY),
#endif
#ifdef ELOOP
	NLH_ERRNO(ELOOP),
#endif
#ifdef ENOMSG
	NLH_ERRNO(ENOMSG),
#endif
#ifdef EIDRM
	NLH_ERRNO(EIDRM),
#endif
#ifdef ENODATA
	NLH_ERRNO(ENODATA),
#endif
#ifdef ETIME
	NLH_ERRNO(ETIME),
#endif
#ifdef ENOLINK
	NLH_ERRNO(ENOLINK),
#endif
#ifdef EPROTO
	NLH_ERRNO(EPROTO),
#endif
#ifdef EBADMSG
	NLH_ERRNO(EBADMSG),
#endif
#ifdef EOVERFLOW
	NLH_ERRNO(EOVERFLOW),
#endif
#ifdef EILSEQ
	NLH_ERRNO(EILSEQ),
#endif
#ifdef EUSERS
	NLH_ERRNO(EUSERS),
#endif
#ifdef ENOTSOCK
	NLH_ERRNO(ENOTSOCK),
#endif
#ifdef EDESTADDRREQ
	NLH_ERRNO(EDESTADDRREQ),
#endif
#ifdef EMSGSIZE
	NLH_ERRNO(EMSGSIZE),
#endif
#ifdef EPROTOTYPE
	NLH_ERRNO(EPROTOTYPE),
#endif
#ifdef ENOPROTOOPT
	NLH_ERRNO(ENOPROTOOPT),
#endif
#ifdef EPROTONOSUPPORT
	NLH_ERRNO(EPROTONOSUPPORT),
#endif
#ifdef ESOCKTNOSUPPORT
	NLH_ERRNO(ESOCKTNOSUPPORT),
#endif
#ifdef EOPNOTSUPP
	NLH_ERRNO(EOPNOTSUPP),
#endif
#ifdef EPFNOSUPPORT
	NLH_ERRNO(EPFNOSUPPORT),
#endif
#ifdef EAFNOSUPPORT
	NLH_ERRNO(EAFNOSUPPORT),
#endif
#ifdef EADDRINUSE
	NLH_ERRNO(EADDRINUSE),
#endif
#ifdef EADDRNOTAVAIL
	NLH_ERRNO(EADDRNOTAVAIL),
#endif
#ifdef ENETDOWN
	NLH_ERRNO(ENETDOWN),
#endif
#ifdef ENETUNREACH
	NLH_ERRNO(ENETUNREACH),
#endif
#ifdef ENETRESET
	NLH_ERRNO(ENETRESET),
#endif
#ifdef ECONNABORTED
	NLH_ERRNO(ECONNABORTED),
#endif
#ifdef ECONNRESET
	NLH_ERRNO(ECONNRESET),
#endif
#ifdef ENOBUFS
	NLH_ERRNO(ENOBUFS),
#endif
#ifdef EISCONN
	NLH_ERRNO(EISCONN),
#endif
#ifdef ENOTCONN
	NLH_ERRNO(ENOTCONN),
#endif
#ifdef ESHUTDOWN
	NLH_ERRNO(ESHUTDOWN),
#endif
#ifdef ETOOMANYREFS
	NLH_ERRNO(ETOOMANYREFS),
#endif
#ifdef ETIMEDOUT
	NLH_ERRNO(ETIMEDOUT),
#endif
#ifdef ECONNREFUSED
	NLH_ERRNO(ECONNREFUSED),
#endif
#ifdef EHOSTDOWN
	NLH_ERRNO(EHOSTDOWN),
#endif
#ifdef EHOSTUNREACH
	NLH_ERRNO(EHOSTUNREACH),
#endif
#ifdef EALREADY
	NLH_ERRNO(EALREADY),
#endif
#ifdef EINPROGRESS
	NLH_ERRNO(EINPROGRESS),
#endif
#ifdef ESTALE
	NLH_ERRNO(ESTALE),
#endif
#ifdef EDQUOT
	NLH_ERRNO(EDQUOT),
#endif
#ifdef ECANCELED
	NLH_ERRNO(ECANCELED),
#endif
#ifdef ENOKEY
	NLH_ERRNO(ENOKEY),
#endif
#ifdef EKEYEXPIRED
	NLH_ERRNO(EKEYEXPIRED),
#endif
#ifdef EKEYREVOKED
	NLH_ERRNO(EKEYREVOKED),
#endif
#ifdef EKEYREJECTED
	NLH_ERRNO(EKEYREJECTED),
#endif
#ifdef EOWNERDEAD
	NLH_ERRNO(EOWNERDEAD),
#endif
#ifdef ENOTRECOVERABLE
	NLH_ERRNO(ENOTRECOVERABLE),
#endif
#ifdef ERFKILL
	NLH_ERRNO(ERFKILL),
#endif
#ifdef EHWPOISON
	NLH_ERRNO(EHWPOISON),
#endif
};

const char *nlh_errno_name(int err)
{
	size_t i;

	for (i = 0; i < sizeof(nlh_errno_table) / sizeof(nlh_errno_table[0]); i++)
		if (nlh_errno_table[i].number == err)
			return nlh_errno_table[i].name;
	return "EUNKNOWN";
}
