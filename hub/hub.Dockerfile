# The hub: JupyterHub 6 + DockerSpawner + idle culler + OAuthenticator + psycopg; the proxy runs
# in its own container (proxy.Dockerfile). Build from the repository root:
#   docker build -f hub/hub.Dockerfile -t codepark/hub:latest .
FROM python:3.11-slim-bookworm
RUN pip install --no-cache-dir "jupyterhub>=6,<7" "dockerspawner>=14,<15" \
      "jupyterhub-idle-culler>=2" "oauthenticator>=17" "psycopg[binary]>=3.2" \
 && mkdir -p /srv/jupyterhub/state
COPY hub/jupyterhub_config.py /srv/jupyterhub/jupyterhub_config.py
WORKDIR /srv/jupyterhub
ENV CODEPARK_HUB_PROFILE=docker CODEPARK_HUB_STATE_DIR=/srv/jupyterhub/state
EXPOSE 8081
CMD ["jupyterhub", "-f", "/srv/jupyterhub/jupyterhub_config.py"]
