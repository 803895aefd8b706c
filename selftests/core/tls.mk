# SPDX-License-Identifier: GPL-2.0
#
# tls.mk - userspace unit tests and fuzz target for the TLS record-layer
# sans-I/O core (module/core/tls_*.c).
#
# Standalone, from the repository root:
#	make -C selftests/core -f tls.mk tls-check       # build + run tests
#	make -C selftests/core -f tls.mk tls-fuzz-short  # ~15 s of libFuzzer
# or include it from another Makefile; it only defines TLS_* variables,
# KSFT_DIR (if unset) and tls-* targets, and leaves the includer's default
# goal alone.  Outputs go to build/tls/ (never committed).

TLS_MK_DIR := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
TLS_STANDALONE := $(filter 1,$(words $(MAKEFILE_LIST)))
TLS_PREV_GOAL := $(.DEFAULT_GOAL)

TLS_REPO := $(abspath $(TLS_MK_DIR)/../..)
TLS_CORE_DIR := $(TLS_REPO)/module/core
BUILD ?= $(TLS_REPO)/build
TLS_OUT := $(BUILD)/tls
KSFT_DIR ?= $(BUILD)/ksft
TLS_LINUX_SRC_TAR ?= /usr/src/linux-source-6.12.tar.xz

TLS_CC ?= gcc
TLS_FUZZ_CC ?= clang-14
TLS_FUZZ_TIME ?= 15

TLS_CORE_NAMES := tls_cipher tls_crypto_info tls_nonce tls_record tls_seq
TLS_CORE_SRCS := $(TLS_CORE_NAMES:%=$(TLS_CORE_DIR)/%.c)
TLS_CORE_HDRS := $(TLS_CORE_NAMES:%=$(TLS_CORE_DIR)/%.h) \
		 $(TLS_CORE_DIR)/tl_types.h

# tl_types.h (not ours) has "core/*.c" inside a comment, which -Wall turns
# into -Werror=comment.  Silence that one warning only while it is there.
TLS_WNO_COMMENT := $(shell grep -qs 'core/\*\.c' \
			$(TLS_CORE_DIR)/tl_types.h && echo -Wno-comment)

TLS_WARN := -Wall -Wextra -Werror $(TLS_WNO_COMMENT)
TLS_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all
# The harness is included as a system header: it is not -Wextra clean.
TLS_CFLAGS := $(TLS_WARN) -O2 -g $(TLS_SAN) -I$(TLS_CORE_DIR) -isystem $(KSFT_DIR)

TLS_TESTS := tls_test_crypto_info tls_test_record tls_test_kat
TLS_TEST_BINS := $(TLS_TESTS:%=$(TLS_OUT)/%)
TLS_LDLIBS_tls_test_kat := -lgnutls
TLS_FUZZ_BIN := $(TLS_OUT)/tls_fuzz_record

.PHONY: tls-check tls-build tls-fuzz-build tls-fuzz-short tls-clean tls-ksft

tls-build: $(TLS_TEST_BINS)

tls-check: $(TLS_TEST_BINS)
	@fail=0; \
	for t in $(TLS_TEST_BINS); do \
		echo "== $$t"; \
		$$t || fail=1; \
	done; \
	if [ $$fail -ne 0 ]; then echo "tls-check: FAILED"; exit 1; fi; \
	echo "tls-check: all TLS core tests passed"

# kselftest_harness.h comes from the kernel source tarball; fetch it once.
tls-ksft:
	@test -f $(KSFT_DIR)/kselftest_harness.h || { \
		echo "extracting kselftest harness into $(KSFT_DIR)"; \
		mkdir -p $(KSFT_DIR) && \
		tar -xJf $(TLS_LINUX_SRC_TAR) -C $(KSFT_DIR) \
			--strip-components=4 \
			linux-source-6.12/tools/testing/selftests/kselftest_harness.h \
			linux-source-6.12/tools/testing/selftests/kselftest.h; }

$(TLS_OUT)/tls_test_%: $(TLS_MK_DIR)/tls_test_%.c $(TLS_MK_DIR)/tls_test_util.h \
		$(TLS_CORE_SRCS) $(TLS_CORE_HDRS) | tls-ksft
	@mkdir -p $(TLS_OUT)
	$(TLS_CC) $(TLS_CFLAGS) -o $@ $< $(TLS_CORE_SRCS) \
		$(TLS_LDLIBS_tls_test_$*)

tls-fuzz-build: $(TLS_FUZZ_BIN)

$(TLS_FUZZ_BIN): $(TLS_MK_DIR)/tls_fuzz_record.c $(TLS_CORE_SRCS) \
		$(TLS_CORE_HDRS)
	@mkdir -p $(TLS_OUT)
	$(TLS_FUZZ_CC) $(TLS_WARN) -O1 -g \
		-fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -I$(TLS_CORE_DIR) \
		-o $@ $< $(TLS_CORE_SRCS)

# libFuzzer exits non-zero (and leaves crash-* in build/tls/) on a finding.
tls-fuzz-short: $(TLS_FUZZ_BIN)
	@mkdir -p $(TLS_OUT)/fuzz-corpus
	@$(TLS_FUZZ_BIN) -max_total_time=$(TLS_FUZZ_TIME) -print_final_stats=1 \
		-artifact_prefix=$(TLS_OUT)/ $(TLS_OUT)/fuzz-corpus \
		> $(TLS_OUT)/fuzz.log 2>&1 || { tail -n 60 $(TLS_OUT)/fuzz.log; exit 1; }
	@grep -E 'stat::number_of_executed_units|Done [0-9]+ runs' $(TLS_OUT)/fuzz.log

tls-clean:
	rm -rf $(TLS_OUT)

ifneq ($(TLS_STANDALONE),)
.DEFAULT_GOAL := tls-check
else
.DEFAULT_GOAL := $(TLS_PREV_GOAL)
endif
