# Values for the dev environment.
prefix          = "dev"
location        = "northeurope"
threshold       = 25
streaming_units = 6
partitions      = [0, 1]
adx_uri         = "https://adxdev.westeurope.kusto.windows.net"
outputs = {
  readings = {
    table   = "Readings"
    enabled = true
  }
}
