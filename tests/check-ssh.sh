#!/bin/sh
# doc/scaling.md's recipe across hosts, for real (make check-ssh): an sshd
# of this suite's own, on 127.0.0.1 and a free port, with a throwaway host
# key and user key, all under the suite's temporary folder (nothing of the
# machine's ssh configuration is read or changed), reached as two hosts by
# GNU parallel --sshlogin over --pipepart of a generated file, the states
# coming back in the order the jobs end (no --keep-order), then --merge:
# the same bytes as one pass.  Skipped, with a skip line, where sshd, ssh
# or GNU parallel is missing; CI sets CHECK_SSH_REQUIRED=1, which makes
# that a failure.
# usage: sh tests/check-ssh.sh PATH-TO-RMSETAB
set -u
. "$(dirname "$0")/lib/harness.sh"
harness_start "$@"

sshd=
for f in /usr/sbin/sshd /usr/local/sbin/sshd /usr/bin/sshd; do
	[ -x "$f" ] && sshd=$f && break
done
missing=
[ -n "$sshd" ] || missing="$missing sshd"
for tool in ssh ssh-keygen parallel; do
	command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
done
if [ -n "$missing" ]; then
	if [ "${CHECK_SSH_REQUIRED:-}" = 1 ]; then
		fail "ssh across hosts: not installed:$missing"
	else
		skip "ssh across hosts (not installed:$missing)"
	fi
	harness_end
fi

d=$tmp/ssh
mkdir -p "$d" "$d/parallel" && chmod 700 "$d" || exit 2
user=$(id -un)
ssh-keygen -q -t ed25519 -N '' -f "$d/host_key" -C host >/dev/null &&
	ssh-keygen -q -t ed25519 -N '' -f "$d/user_key" -C user >/dev/null &&
	cp "$d/user_key.pub" "$d/authorized_keys" || exit 2
port=$(python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])') || exit 2

# As root, sshd wants its privilege separation folder; made here only when
# the machine has none, and removed at the end.
made_privsep=
if [ "$(id -u)" = 0 ] && [ ! -d /run/sshd ]; then
	mkdir -m 755 /run/sshd && made_privsep=1
fi
# The remote commands find the rmsetab under test as rmsetab, as on a host
# that has it installed.
cat >"$d/sshd_config" <<EOT
Port $port
ListenAddress 127.0.0.1
HostKey $d/host_key
PidFile $d/sshd.pid
AuthorizedKeysFile $d/authorized_keys
AllowUsers $user
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
UsePAM no
StrictModes no
SetEnv PATH=$tmp/bin:/usr/local/bin:/usr/bin:/bin
LogLevel ERROR
EOT
"$sshd" -D -f "$d/sshd_config" -E "$d/sshd.log" &
sshd_pid=$!
cleanup() {
	kill "$sshd_pid" 2>/dev/null
	wait "$sshd_pid" 2>/dev/null
	[ -z "$made_privsep" ] || rmdir /run/sshd 2>/dev/null
}
trap 'cleanup; harness_exit' EXIT

# Two host names for the one sshd: parallel takes them for two hosts.
printf '[127.0.0.1]:%s %s\n' "$port" "$(cut -d ' ' -f 1,2 "$d/host_key.pub")" \
	>"$d/known_hosts"
cat >"$d/ssh_config" <<EOT
Host rmsetab-a rmsetab-b
	HostName 127.0.0.1
	Port $port
	User $user
	IdentityFile $d/user_key
	IdentitiesOnly yes
	UserKnownHostsFile $d/known_hosts
	GlobalKnownHostsFile /dev/null
	StrictHostKeyChecking yes
	BatchMode yes
	LogLevel ERROR
EOT
ssh="ssh -F $d/ssh_config"
# GNU parallel keeps its files here, not in the home folder.
PARALLEL_HOME=$d/parallel
export PARALLEL_HOME

up=
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	if $ssh rmsetab-a true 2>"$d/ssh.err"; then
		up=1
		break
	fi
	sleep 0.5
done
if [ -z "$up" ]; then
	fail "sshd on 127.0.0.1:$port: cannot log in"
	sed 's/^/    /' "$d/ssh.err" "$d/sshd.log" | head -n 20
	harness_end
fi
if [ "$($ssh rmsetab-b 'command -v rmsetab')" = "$tmp/bin/rmsetab" ]; then
	pass "ssh: logged in, rmsetab on the remote PATH"
else
	fail "ssh: rmsetab is not on the remote PATH"
fi

cd "$tmp" || exit 2
python3 "$tests/gen.py" --seed 31 --rows 20000 --pairs 3 --weights \
	--epoch-col --epochs 3 >big.csv || exit 2
opts='-e epoch -w w -t true_0-true_2 -p pred_0-pred_2'
# shellcheck disable=SC2086
rmsetab -s $opts big.csv >want

# Parts of 100 kB, two job slots on each host, states in the order the jobs
# end; the job log says which host ran each part.
# shellcheck disable=SC2086
parallel --pipepart -a big.csv --block 100k --header : --ssh "$ssh" \
	--sshlogin 2/rmsetab-a,2/rmsetab-b --joblog jobs \
	rmsetab --part '{#}/{= $_=total_jobs() =}' --run-id ssh-check \
	--save-state - $opts >states 2>parallel.err
n=$(grep -c '^rmsetab-state ' states)
rmsetab --merge states >got 2>&1
check "parallel --sshlogin, two hosts, --pipepart, $n parts, unordered" \
	want got
hosts=$(awk 'NR > 1 { print $2 }' jobs | sort -u | tr '\n' ' ')
if [ "$hosts" = "rmsetab-a rmsetab-b " ]; then
	pass "the parts ran on both hosts"
else
	fail "the parts ran on: $hosts"
	sed 's/^/    /' parallel.err | head -n 10
fi
order=$(grep '^part ' states | cut -d ' ' -f 2 | tr '\n' ' ')
echo "check-ssh: the parts came back in the order $order"

# doc/scaling.md's recipe across hosts, as written, with the two hosts of
# this sshd for its node1 and node2 and the local slot left out.
awk '/^## Across hosts/ { on = 1; next } /^## / { on = 0 }
     on && /^```sh$/ { inblock = 1; next }
     inblock && /^```$/ { exit }
     inblock { print }' "$root/doc/scaling.md" >recipe.sh
if grep -q -- '--sshlogin 16/node1,16/node2,:' recipe.sh; then
	sed "s|--sshlogin 16/node1,16/node2,:|--sshlogin 2/rmsetab-a,2/rmsetab-b --ssh '$ssh'|" \
		recipe.sh >run.sh
	# (Standard error holds what the remote shells' profiles print.)
	sh run.sh >got 2>run.err
	# shellcheck disable=SC2086
	rmsetab -s $opts big.csv >want
	check "doc/scaling.md's recipe across hosts, over ssh" want got
	cmp -s want got || sed 's/^/    /' run.err | head -n 10
else
	fail "doc/scaling.md: no recipe with --sshlogin 16/node1,16/node2,:"
fi

harness_end
