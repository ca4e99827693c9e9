# Sourced by bin/run and bin/test: a project virtualenv with the given requirements file installed.
# Reinstalls only when the requirements change (a stamp holds their checksum).
ensure_venv() {
  local req="$1" stamp
  if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
    .venv/bin/python -m pip install --quiet --upgrade pip
  fi
  stamp=".venv/.req-$(basename "$req")-$(cat requirements*.txt | sha256sum | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    echo "==> installing Python packages from $req"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$req"
    touch "$stamp"
  fi
}
