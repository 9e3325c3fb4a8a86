# make run: the real tooltool.py client against the demo instance. Nothing to configure: the
# storage directives (region us-east-1 in run/storage, signing key) come with
# scripts/httpd.conf.in, and the demo client of 10-demo-credentials.sh holds every scope.
TT_CREDS=$RUN_DIR/demo-credentials.json
TT_CLIENT=$(realpath -m "$SVC_ROOT/../shared/clients/tooltool.py")

case $RUN_PHASE in
configure) ;;
print)
    if [ -f "$TT_CLIENT" ]; then
        tt="/usr/bin/python3 $TT_CLIENT"
    else
        tt="/usr/bin/python3 tooltool.py"
        echo
        echo "tooltool.py: get it from https://raw.githubusercontent.com/mozilla-releng/tooltool/master/client/tooltool.py"
    fi
    cat <<EOF

ToolTool with the real client (upload waits about a minute, until its URL expires, then the
server verifies the file; public downloads need no credentials):
  mkdir -p /tmp/tt-demo && cd /tmp/tt-demo && rm -f manifest.tt && date > hello.txt
  $tt add --visibility public hello.txt
  $tt upload --message 'demo upload' --url $TOOLTOOL_URL/ --authentication-file $TT_CREDS
  rm hello.txt && $tt fetch --url $TOOLTOOL_URL/
  curl -s "$TOOLTOOL_URL/upload?q=demo"
EOF
    ;;
esac
