/*
 * libjitdump.so - minimal JVMTI agent writing a perf "jitdump" file.
 *
 * Load:   java -agentpath:tools/perf-jitdump/libjitdump.so[=OPTIONS] ...
 * Options (comma separated):
 *   dir=PATH    directory for jit-<pid>.dump (default /tmp)
 *   nolines     do not emit JIT_CODE_DEBUG_INFO (Java line numbers)
 *   verbose     print a summary to stderr at VM death
 *   a bare PATH (no '=') is taken as dir=PATH
 *
 * Record with:  perf record -k mono ...    (timestamps are CLOCK_MONOTONIC)
 * Then:         perf inject --jit -i perf.data -o perf.jit.data
 *
 * Format: tools/perf/Documentation/jitdump-specification.txt (version 1).
 */
#define _GNU_SOURCE
#include <jvmti.h>
#include <jvmticmlr.h>

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define JITDUMP_MAGIC   0x4A695444u /* "JiTD" when written little endian */
#define JITDUMP_VERSION 1

enum { JIT_CODE_LOAD = 0, JIT_CODE_MOVE = 1, JIT_CODE_DEBUG_INFO = 2, JIT_CODE_CLOSE = 3 };

struct jd_header {
	uint32_t magic;
	uint32_t version;
	uint32_t total_size;
	uint32_t elf_mach;
	uint32_t pad1;
	uint32_t pid;
	uint64_t timestamp;
	uint64_t flags;
};

struct jd_prefix {
	uint32_t id;
	uint32_t total_size;
	uint64_t timestamp;
};

struct jd_code_load {
	struct jd_prefix p;
	uint32_t pid;
	uint32_t tid;
	uint64_t vma;
	uint64_t code_addr;
	uint64_t code_size;
	uint64_t code_index;
	/* followed by: char name[] (NUL terminated), code bytes (no padding) */
};

struct jd_debug_info {
	struct jd_prefix p;
	uint64_t code_addr;
	uint64_t nr_entry;
	/* followed by nr_entry x { u64 addr; i32 line; i32 discrim; char file[] } */
};

static jvmtiEnv *g_jvmti;
static FILE *g_fp;
static void *g_marker = MAP_FAILED;
static size_t g_marker_len;
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t g_code_index;
static uint64_t g_n_methods, g_n_stubs, g_n_debug;
static int g_lines = 1, g_verbose;
static uint32_t g_pid;
static char g_path[PATH_MAX];

static uint64_t now_mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint32_t gettid_(void)
{
	return (uint32_t)syscall(SYS_gettid);
}

/* ---------------------------------------------------------------- file */

static int open_dump(const char *dir)
{
	struct jd_header h;
	int fd;

	g_pid = (uint32_t)getpid();
	snprintf(g_path, sizeof(g_path), "%s/jit-%u.dump", dir, g_pid);
	fd = open(g_path, O_CREAT | O_TRUNC | O_RDWR | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, "jitdump: cannot create %s: %s\n", g_path, strerror(errno));
		return -1;
	}
	/*
	 * perf record only sees the file through this PROT_EXEC mapping
	 * (PERF_RECORD_MMAP2 with the file name); keep it until the end.
	 */
	g_marker_len = (size_t)sysconf(_SC_PAGESIZE);
	g_marker = mmap(NULL, g_marker_len, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
	if (g_marker == MAP_FAILED) {
		fprintf(stderr, "jitdump: mmap of %s failed: %s\n", g_path, strerror(errno));
		close(fd);
		return -1;
	}
	g_fp = fdopen(fd, "w+");
	if (!g_fp) {
		close(fd);
		return -1;
	}
	setvbuf(g_fp, NULL, _IOFBF, 1 << 20);

	memset(&h, 0, sizeof(h));
	h.magic = JITDUMP_MAGIC;
	h.version = JITDUMP_VERSION;
	h.total_size = sizeof(h);
	h.elf_mach = EM_X86_64;
	h.pid = g_pid;
	h.timestamp = now_mono();
	h.flags = 0; /* no JITDUMP_FLAGS_ARCH_TIMESTAMP: CLOCK_MONOTONIC */
	fwrite(&h, sizeof(h), 1, g_fp);
	fflush(g_fp);
	return 0;
}

static void close_dump(void)
{
	pthread_mutex_lock(&g_lock);
	if (g_fp) {
		struct jd_prefix p = { JIT_CODE_CLOSE, sizeof(p), now_mono() };
		fwrite(&p, sizeof(p), 1, g_fp);
		fclose(g_fp);
		g_fp = NULL;
	}
	if (g_marker != MAP_FAILED) {
		munmap(g_marker, g_marker_len);
		g_marker = MAP_FAILED;
	}
	pthread_mutex_unlock(&g_lock);
}

/* caller holds g_lock */
static void write_code_load(const char *name, const void *code, uint64_t size, uint64_t ts)
{
	struct jd_code_load r;
	size_t nlen = strlen(name) + 1;
	/* no padding: perf locates the code as (record end - code_size) */
	size_t total = sizeof(r) + nlen + size;

	memset(&r, 0, sizeof(r));
	r.p.id = JIT_CODE_LOAD;
	r.p.total_size = (uint32_t)total;
	r.p.timestamp = ts;
	r.pid = g_pid;
	r.tid = gettid_();
	r.vma = r.code_addr = (uint64_t)(uintptr_t)code;
	r.code_size = size;
	r.code_index = g_code_index++;
	fwrite(&r, sizeof(r), 1, g_fp);
	fwrite(name, nlen, 1, g_fp);
	if (size)
		fwrite(code, size, 1, g_fp);
}

/* ------------------------------------------------------- line numbers */

struct line_ent {
	uint64_t pc;
	int32_t line;
	int32_t order;
	const char *file; /* points into a method_info */
};

struct method_info {
	jmethodID m;
	jvmtiLineNumberEntry *tab;
	jint n;
	char *file; /* malloc'ed, "" if unknown */
};

struct minfo_cache {
	struct method_info *v;
	int n, cap;
};

static struct method_info *lookup_method(struct minfo_cache *c, jmethodID m)
{
	struct method_info *mi;
	jclass cls;
	char *src = NULL, *sig = NULL;
	int i;

	for (i = 0; i < c->n; i++)
		if (c->v[i].m == m)
			return &c->v[i];
	if (c->n == c->cap) {
		int ncap = c->cap ? c->cap * 2 : 16;
		void *nv = realloc(c->v, ncap * sizeof(*c->v));
		if (!nv)
			return NULL;
		c->v = nv;
		c->cap = ncap;
	}
	mi = &c->v[c->n++];
	memset(mi, 0, sizeof(*mi));
	mi->m = m;
	if ((*g_jvmti)->GetLineNumberTable(g_jvmti, m, &mi->n, &mi->tab) != JVMTI_ERROR_NONE) {
		mi->tab = NULL;
		mi->n = 0;
	}
	if ((*g_jvmti)->GetMethodDeclaringClass(g_jvmti, m, &cls) == JVMTI_ERROR_NONE) {
		/* build "pkg/path/File.java" from the class signature + SourceFile */
		if ((*g_jvmti)->GetSourceFileName(g_jvmti, cls, &src) == JVMTI_ERROR_NONE &&
		    (*g_jvmti)->GetClassSignature(g_jvmti, cls, &sig, NULL) == JVMTI_ERROR_NONE && sig) {
			const char *s = sig[0] == 'L' ? sig + 1 : sig;
			const char *slash = strrchr(s, '/');
			int plen = slash ? (int)(slash - s + 1) : 0;
			if (asprintf(&mi->file, "%.*s%s", plen, s, src) < 0)
				mi->file = NULL;
		}
		if (src)
			(*g_jvmti)->Deallocate(g_jvmti, (unsigned char *)src);
		if (sig)
			(*g_jvmti)->Deallocate(g_jvmti, (unsigned char *)sig);
	}
	if (!mi->file)
		mi->file = strdup("");
	return mi;
}

static void free_cache(struct minfo_cache *c)
{
	int i;
	for (i = 0; i < c->n; i++) {
		if (c->v[i].tab)
			(*g_jvmti)->Deallocate(g_jvmti, (unsigned char *)c->v[i].tab);
		free(c->v[i].file);
	}
	free(c->v);
}

static int bci_to_line(const struct method_info *mi, jint bci)
{
	int i, best = -1;
	jlocation bl = -1;
	for (i = 0; i < mi->n; i++)
		if (mi->tab[i].start_location <= bci && mi->tab[i].start_location >= bl) {
			bl = mi->tab[i].start_location;
			best = mi->tab[i].line_number;
		}
	return best;
}

static int cmp_ent(const void *a, const void *b)
{
	const struct line_ent *x = a, *y = b;
	if (x->pc != y->pc)
		return x->pc < y->pc ? -1 : 1;
	return x->order - y->order;
}

static void add_ent(struct line_ent **v, int *n, int *cap, uint64_t pc, int line, const char *file)
{
	if (line <= 0)
		return;
	if (*n == *cap) {
		int ncap = *cap ? *cap * 2 : 64;
		void *nv = realloc(*v, ncap * sizeof(**v));
		if (!nv)
			return;
		*v = nv;
		*cap = ncap;
	}
	(*v)[*n].pc = pc;
	(*v)[*n].line = line;
	(*v)[*n].order = *n;
	(*v)[*n].file = file;
	(*n)++;
}

/* caller holds g_lock; emits a JIT_CODE_DEBUG_INFO that precedes the code load */
static void write_debug_info(jmethodID method, const void *code_addr, jint code_size,
			     jint map_length, const jvmtiAddrLocationMap *map,
			     const void *compile_info)
{
	struct minfo_cache cache = { 0 };
	struct line_ent *v = NULL;
	int n = 0, cap = 0, i, out;
	const jvmtiCompiledMethodLoadRecordHeader *h;
	int have_inline = 0;
	uint64_t lo = (uint64_t)(uintptr_t)code_addr, hi = lo + (uint64_t)code_size;

	/* Prefer the inlining info: innermost (inlined) method + bci per pc. */
	for (h = compile_info; h; h = h->next) {
		if (h->kind == JVMTI_CMLR_INLINE_INFO) {
			const jvmtiCompiledMethodLoadInlineRecord *r = (const void *)h;
			have_inline = 1;
			for (i = 0; i < r->numpcs; i++) {
				const PCStackInfo *pi = &r->pcinfo[i];
				struct method_info *mi;
				if (pi->numstackframes < 1 || !pi->methods || !pi->bcis)
					continue;
				mi = lookup_method(&cache, pi->methods[0]);
				if (mi)
					add_ent(&v, &n, &cap, (uint64_t)(uintptr_t)pi->pc,
						bci_to_line(mi, pi->bcis[0]), mi->file);
			}
		}
	}
	if (!have_inline && map && map_length > 0) {
		struct method_info *mi = lookup_method(&cache, method);
		if (mi)
			for (i = 0; i < map_length; i++)
				add_ent(&v, &n, &cap, (uint64_t)(uintptr_t)map[i].start_address,
					bci_to_line(mi, (jint)map[i].location), mi->file);
	}
	if (n) {
		struct jd_debug_info r;
		size_t total = sizeof(r);

		qsort(v, n, sizeof(*v), cmp_ent);
		/* keep entries within the code, drop duplicate pcs and repeated lines */
		out = 0;
		for (i = 0; i < n; i++) {
			if (v[i].pc < lo || v[i].pc >= hi)
				continue;
			if (out && v[out - 1].pc == v[i].pc)
				continue;
			if (out && v[out - 1].line == v[i].line && !strcmp(v[out - 1].file, v[i].file))
				continue;
			v[out++] = v[i];
		}
		n = out;
		for (i = 0; i < n; i++)
			total += 16 + strlen(v[i].file) + 1;
		if (n) {
			memset(&r, 0, sizeof(r));
			r.p.id = JIT_CODE_DEBUG_INFO;
			r.p.total_size = (uint32_t)total;
			r.p.timestamp = now_mono();
			r.code_addr = lo;
			r.nr_entry = (uint64_t)n;
			fwrite(&r, sizeof(r), 1, g_fp);
			for (i = 0; i < n; i++) {
				int32_t li[2] = { v[i].line, 0 };
				fwrite(&v[i].pc, 8, 1, g_fp);
				fwrite(li, 8, 1, g_fp);
				fwrite(v[i].file, strlen(v[i].file) + 1, 1, g_fp);
			}
			g_n_debug++;
		}
	}
	free(v);
	free_cache(&cache);
}

/* ------------------------------------------------------------- events */

static char *method_name(jmethodID method)
{
	jclass cls;
	char *csig = NULL, *name = NULL, *msig = NULL, *res = NULL;

	if ((*g_jvmti)->GetMethodName(g_jvmti, method, &name, &msig, NULL) != JVMTI_ERROR_NONE)
		return strdup("<unknown>");
	if ((*g_jvmti)->GetMethodDeclaringClass(g_jvmti, method, &cls) == JVMTI_ERROR_NONE)
		(*g_jvmti)->GetClassSignature(g_jvmti, cls, &csig, NULL);
	if (csig) {
		/* "Ljava/lang/String;" -> "java.lang.String" */
		char *s = csig, *p;
		size_t l;
		if (*s == 'L')
			s++;
		l = strlen(s);
		if (l && s[l - 1] == ';')
			s[l - 1] = 0;
		for (p = s; *p; p++)
			if (*p == '/')
				*p = '.';
		if (asprintf(&res, "%s.%s%s", s, name, msig ? msig : "") < 0)
			res = NULL;
	} else if (asprintf(&res, "%s%s", name, msig ? msig : "") < 0) {
		res = NULL;
	}
	if (csig)
		(*g_jvmti)->Deallocate(g_jvmti, (unsigned char *)csig);
	(*g_jvmti)->Deallocate(g_jvmti, (unsigned char *)name);
	if (msig)
		(*g_jvmti)->Deallocate(g_jvmti, (unsigned char *)msig);
	return res ? res : strdup("<unknown>");
}

static void JNICALL cb_compiled_method_load(jvmtiEnv *jvmti, jmethodID method, jint code_size,
					    const void *code_addr, jint map_length,
					    const jvmtiAddrLocationMap *map, const void *compile_info)
{
	char *name;
	uint64_t ts = now_mono();

	(void)jvmti;
	if (!code_addr || code_size <= 0)
		return;
	name = method_name(method);
	pthread_mutex_lock(&g_lock);
	if (g_fp) {
		if (g_lines)
			write_debug_info(method, code_addr, code_size, map_length, map, compile_info);
		write_code_load(name, code_addr, (uint64_t)code_size, ts);
		g_n_methods++;
	}
	pthread_mutex_unlock(&g_lock);
	free(name);
}

static void JNICALL cb_dynamic_code_generated(jvmtiEnv *jvmti, const char *name,
					      const void *address, jint length)
{
	char buf[512];
	uint64_t ts = now_mono();

	(void)jvmti;
	if (!address || length <= 0)
		return;
	snprintf(buf, sizeof(buf), "[stub] %s", name ? name : "?");
	pthread_mutex_lock(&g_lock);
	if (g_fp) {
		write_code_load(buf, address, (uint64_t)length, ts);
		g_n_stubs++;
	}
	pthread_mutex_unlock(&g_lock);
}

static void JNICALL cb_vm_init(jvmtiEnv *jvmti, JNIEnv *jni, jthread thr)
{
	(void)jni;
	(void)thr;
	/* replay code that existed before the events were enabled */
	(*jvmti)->GenerateEvents(jvmti, JVMTI_EVENT_DYNAMIC_CODE_GENERATED);
	(*jvmti)->GenerateEvents(jvmti, JVMTI_EVENT_COMPILED_METHOD_LOAD);
	pthread_mutex_lock(&g_lock);
	if (g_fp)
		fflush(g_fp);
	pthread_mutex_unlock(&g_lock);
}

static void JNICALL cb_vm_death(jvmtiEnv *jvmti, JNIEnv *jni)
{
	(void)jvmti;
	(void)jni;
	if (g_verbose)
		fprintf(stderr, "jitdump: %s: %llu methods, %llu stubs, %llu debug records\n",
			g_path, (unsigned long long)g_n_methods, (unsigned long long)g_n_stubs,
			(unsigned long long)g_n_debug);
	pthread_mutex_lock(&g_lock);
	if (g_fp)
		fflush(g_fp);
	pthread_mutex_unlock(&g_lock);
}

/* ---------------------------------------------------------------- load */

static int start(JavaVM *vm, char *options)
{
	jvmtiCapabilities caps;
	jvmtiEventCallbacks cb;
	char dir[PATH_MAX] = "/tmp";
	char *opts = options ? strdup(options) : NULL, *tok, *save = NULL;

	for (tok = opts ? strtok_r(opts, ",", &save) : NULL; tok; tok = strtok_r(NULL, ",", &save)) {
		if (!strncmp(tok, "dir=", 4))
			snprintf(dir, sizeof(dir), "%s", tok + 4);
		else if (!strcmp(tok, "nolines"))
			g_lines = 0;
		else if (!strcmp(tok, "verbose"))
			g_verbose = 1;
		else if (!strchr(tok, '='))
			snprintf(dir, sizeof(dir), "%s", tok);
		else
			fprintf(stderr, "jitdump: unknown option '%s'\n", tok);
	}
	free(opts);

	if ((*vm)->GetEnv(vm, (void **)&g_jvmti, JVMTI_VERSION_1_2) != JNI_OK) {
		fprintf(stderr, "jitdump: no JVMTI 1.2\n");
		return JNI_ERR;
	}
	mkdir(dir, 0755); /* best effort */
	if (open_dump(dir))
		return JNI_ERR;

	memset(&caps, 0, sizeof(caps));
	caps.can_generate_compiled_method_load_events = 1;
	if (g_lines) {
		caps.can_get_line_numbers = 1;
		caps.can_get_source_file_name = 1;
	}
	if ((*g_jvmti)->AddCapabilities(g_jvmti, &caps) != JVMTI_ERROR_NONE) {
		caps.can_get_line_numbers = caps.can_get_source_file_name = 0;
		g_lines = 0;
		if ((*g_jvmti)->AddCapabilities(g_jvmti, &caps) != JVMTI_ERROR_NONE) {
			fprintf(stderr, "jitdump: cannot get compiled_method_load capability\n");
			return JNI_ERR;
		}
	}

	memset(&cb, 0, sizeof(cb));
	cb.CompiledMethodLoad = cb_compiled_method_load;
	cb.DynamicCodeGenerated = cb_dynamic_code_generated;
	cb.VMInit = cb_vm_init;
	cb.VMDeath = cb_vm_death;
	(*g_jvmti)->SetEventCallbacks(g_jvmti, &cb, sizeof(cb));
	(*g_jvmti)->SetEventNotificationMode(g_jvmti, JVMTI_ENABLE, JVMTI_EVENT_COMPILED_METHOD_LOAD, NULL);
	(*g_jvmti)->SetEventNotificationMode(g_jvmti, JVMTI_ENABLE, JVMTI_EVENT_DYNAMIC_CODE_GENERATED, NULL);
	(*g_jvmti)->SetEventNotificationMode(g_jvmti, JVMTI_ENABLE, JVMTI_EVENT_VM_INIT, NULL);
	(*g_jvmti)->SetEventNotificationMode(g_jvmti, JVMTI_ENABLE, JVMTI_EVENT_VM_DEATH, NULL);
	return JNI_OK;
}

JNIEXPORT jint JNICALL Agent_OnLoad(JavaVM *vm, char *options, void *reserved)
{
	(void)reserved;
	return start(vm, options);
}

JNIEXPORT void JNICALL Agent_OnUnload(JavaVM *vm)
{
	(void)vm;
	close_dump();
}
