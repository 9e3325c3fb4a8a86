# make run: a demo client holding every scope, for both modules.
#   run/demo-credentials.json  {"clientId": "demo/admin", "accessToken": ...}  (Hawk; tooltool.py
#                              --authentication-file takes it as is)
# The same secret is also accepted as a Bearer token so plain curl can write.
DEMO_CREDS=$RUN_DIR/demo-credentials.json

demo_token() {
    /usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["accessToken"])' "$DEMO_CREDS"
}

case $RUN_PHASE in
configure)
    if [ ! -s "$DEMO_CREDS" ]; then
        (umask 077 && printf '{"clientId": "demo/admin", "accessToken": "%s"}\n' \
            "$(openssl rand -hex 24)" >"$DEMO_CREDS")
    fi
    demo_secret=$(demo_token)
    demo_sha=$(printf %s "$demo_secret" | sha256sum | cut -d' ' -f1)
    {
        echo "# demo client (make run): every scope"
        echo "TreestatusHawkClient demo/admin $demo_secret *"
        echo "TooltoolHawkClient demo/admin $demo_secret *"
        echo "TreestatusToken $demo_sha demo/admin - *"
        echo "TooltoolToken $demo_sha demo/admin - *"
    } >>"$EXTRA_CONF"
    ;;
print)
    demo_secret=$(demo_token)
    cat <<EOF

Demo credentials (every scope): run/demo-credentials.json  (clientId demo/admin)
Close and reopen a tree with curl (the secret also works as a Bearer token):
  curl -s -X PATCH -H "Authorization: Bearer $demo_secret" -H 'Content-Type: application/json' \\
       -d '{"trees": ["autoland"], "status": "closed", "reason": "demo closure", "tags": ["planned"]}' \\
       $TREESTATUS_URL/trees
  curl -s -X PATCH -H "Authorization: Bearer $demo_secret" -H 'Content-Type: application/json' \\
       -d '{"trees": ["autoland"], "status": "open", "reason": "demo over", "tags": []}' \\
       $TREESTATUS_URL/trees
  curl -s $TREESTATUS_URL/trees/autoland/logs
Who am I:
  curl -s -H "Authorization: Bearer $demo_secret" $TREESTATUS_URL/__permissions__
EOF
    ;;
esac
