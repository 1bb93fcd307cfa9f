variable "prefix" {
  type        = string
  description = "Prefix of every resource name."
  default     = "tele"

  validation {
    condition     = can(regex("^[a-z0-9]{2,8}$", var.prefix))
    error_message = "The prefix must be 2 to 8 lower-case letters or digits."
  }
}

variable "location" {
  type    = string
  default = "westeurope"
}

variable "threshold" {
  type    = number
  default = 20.5
}

variable "adx_uri" {
  type      = string
  sensitive = true
  default   = null
}

variable "partitions" {
  type    = list(number)
  default = [0, 1, 2, 3]
}

variable "outputs" {
  type = map(object({
    table    = string
    database = optional(string, "telemetry")
    enabled  = bool
  }))
  default = {
    readings = { table = "Readings", enabled = true }
    alerts = {
      table    = "Alerts"
      database = "alerts"
      enabled  = false
    }
  }

  validation {
    condition = alltrue([
      for name, output in var.outputs : length(output.table) > 0 && output.table != "Invalid"
    ])
    error_message = "Every output needs a table."
  }
}

variable "streaming_units" {
  type     = number
  default  = 3
  nullable = false
  validation {
    condition     = contains([1, 3, 6, 12], var.streaming_units) || var.streaming_units % 6 == 0
    error_message = "Streaming units are 1, 3, 6 or a multiple of 6."
  }
}
