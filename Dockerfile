# Casa Map image: gunicorn (web), Celery (worker, beat), and the nginx proxy and PgBouncer that
# compose runs from it with the repository's configurations (deploy/); GDAL/GEOS/PROJ from Debian.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
    && apt-get install -y --no-install-recommends gdal-bin gettext gettext-base nginx-light pgbouncer \
       libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN SECRET_KEY=build-only python manage.py compilemessages --ignore=.venv -v 0 \
    && SECRET_KEY=build-only STATICFILES_BACKEND=whitenoise.storage.CompressedManifestStaticFilesStorage \
       python manage.py collectstatic --no-input -v 0

RUN useradd --create-home casamap && mkdir -p /app/media && chown casamap /app/media
USER casamap
EXPOSE 8000
ENTRYPOINT ["scripts/docker_entrypoint.sh"]
CMD ["gunicorn", "casa_map.wsgi", "--config", "gunicorn.conf.py"]
